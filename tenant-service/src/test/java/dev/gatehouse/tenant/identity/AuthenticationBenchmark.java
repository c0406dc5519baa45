package dev.gatehouse.tenant.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.IssuedApiKey;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.TenantDirectory;
import dev.gatehouse.testing.TestPostgres;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Per-request cost of establishing the caller, single thread: an API key verified from memory, and
 * an RS256 access token (2048-bit key, Keycloak's default) validated with signature, issuer,
 * expiry and tenant lookup. The JWKS fetch is not measured: Nimbus caches the keys. Run by hand:
 * {@code ./mvnw -pl tenant-service test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.gatehouse.tenant.identity.AuthenticationBenchmark} (or from an IDE).
 */
public final class AuthenticationBenchmark {

    private AuthenticationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        TenantDatabase database = TenantDatabase.migrate(TestPostgres.freshDatabase());
        Tenant tenant = database.tenants().create("bench", "Benchmark");
        for (int i = 0; i < 10_000; i++) {
            database.apiKeys().create(tenant.id(), "filler " + i, Set.of(Role.DEVELOPER), null);
        }
        IssuedApiKey key = database.apiKeys().create(tenant.id(), "measured", Set.of(Role.DEVELOPER), null);
        ApiKeyAuthenticator apiKeys = new ApiKeyAuthenticator(database.apiKeys(), Clock.systemUTC());
        report("API key (10,001 keys cached)", 2_000_000, () -> apiKeys.verify(key.token()));
        report("API key, wrong secret", 2_000_000, () -> apiKeys.verify(key.token().substring(0, key.token().length() - 1) + "x"));

        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        String issuer = "https://keycloak.example/realms/gatehouse";
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                .issuer(issuer).subject("service-account").audience("gatehouse")
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).issueTime(new Date())
                .claim("gatehouse_tenant", "bench").claim("realm_access", Map.of("roles", List.of("developer"))).build());
        jwt.sign(new RSASSASigner(keys.getPrivate()));
        String token = jwt.serialize();
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) keys.getPublic()).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(), new JwtIssuerValidator(issuer)));
        JwtAuthenticator tokens = new JwtAuthenticator(decoder, new TenantDirectory(database.tenants()));
        report("JWT RS256 (signature, issuer, expiry, tenant)", 100_000, () -> tokens.authenticate(token).block());
        System.exit(0);
    }

    private static void report(String name, int iterations, Supplier<?> operation) {
        for (int i = 0; i < iterations / 2; i++) {
            operation.get();
        }
        long start = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            operation.get();
        }
        double nanos = (System.nanoTime() - start) / (double) iterations;
        System.out.printf("%-50s %10.0f ns/op %12.0f ops/s%n", name, nanos, 1e9 / nanos);
    }
}
