package dev.gatehouse.standalone.portal;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.TenantDatabase;
import dev.gatehouse.tenant.identity.BearerAuthenticator;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.List;

/**
 * Signing in with an API key: the form's {@code api_key} is checked by the same
 * {@link BearerAuthenticator} as every API call, and a data-plane key (one limited to model
 * endpoints) is refused exactly as the admin API refuses it.
 */
final class ApiKeySignIn implements ServerAuthenticationConverter, ReactiveAuthenticationManager {

    static final String API_KEY_FIELD = "api_key";

    private final BearerAuthenticator authenticator;
    private final TenantDatabase database;

    ApiKeySignIn(BearerAuthenticator authenticator, TenantDatabase database) {
        this.authenticator = authenticator;
        this.database = database;
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        return exchange.getFormData().map(form -> {
            String key = form.getFirst(API_KEY_FIELD);
            return new Attempt(key == null ? "" : key.strip());
        });
    }

    @Override
    public Mono<Authentication> authenticate(Authentication attempt) {
        String key = (String) attempt.getCredentials();
        if (key.isEmpty()) {
            return Mono.error(new BadCredentialsException("Paste an API key to sign in."));
        }
        return check(key).cast(Authentication.class);
    }

    /** An API key or an identity provider's access token, checked as every call's bearer credential is. */
    Mono<SignedIn> check(String credential) {
        return authenticator.authenticate("Bearer " + credential)
                .onErrorMap(ApiProblem.class, problem -> new BadCredentialsException(problem.detail()))
                .publishOn(Schedulers.boundedElastic())
                .map(principal -> signedIn(credential, principal));
    }

    private SignedIn signedIn(String key, ApiKeyPrincipal principal) {
        if (principal.scopes().endpoints() != null) {
            throw new BadCredentialsException("This key is limited to model endpoints; sign in with a key that may use the admin API.");
        }
        String slug = database.tenants().find(principal.tenantId())
                .orElseThrow(() -> new BadCredentialsException("The API key is not valid.")).slug();
        return new SignedIn(new PortalUser(key, principal.keyId(), slug, principal.roles()));
    }

    /** What the form carried, not yet checked. */
    private static final class Attempt extends AbstractAuthenticationToken {
        private final String key;

        Attempt(String key) {
            super(List.of());
            this.key = key;
        }

        @Override
        public Object getCredentials() {
            return key;
        }

        @Override
        public Object getPrincipal() {
            return "api-key";
        }
    }

    /** A signed-in portal user; the API key is reachable only through the principal, never as a printable credential. */
    static final class SignedIn extends AbstractAuthenticationToken {
        private final PortalUser user;

        SignedIn(PortalUser user) {
            super(user.roles().stream().map(role -> new SimpleGrantedAuthority("ROLE_" + role.code())).toList());
            this.user = user;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return null;
        }

        @Override
        public PortalUser getPrincipal() {
            return user;
        }

        @Override
        public String getName() {
            return user.keyId();
        }
    }
}
