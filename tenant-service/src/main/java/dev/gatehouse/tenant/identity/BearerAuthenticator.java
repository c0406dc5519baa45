package dev.gatehouse.tenant.identity;

import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyAuthenticator;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeyVerification;
import reactor.core.publisher.Mono;

import java.util.regex.Pattern;

/**
 * Establishes the caller from an {@code Authorization: Bearer} header, for the gateway and the
 * admin APIs alike: a token shaped like a JWT (three base64url segments) is validated as one by
 * the {@link JwtAuthenticator} when the identity provider is configured; anything else is checked
 * as an API key. Every refusal is an {@link ApiProblem}; the detail never repeats the token.
 */
public final class BearerAuthenticator {

    private static final String BEARER = "Bearer ";
    private static final Pattern JWT_SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    private final ApiKeyAuthenticator apiKeys;
    private final JwtAuthenticator tokens;

    private BearerAuthenticator(ApiKeyAuthenticator apiKeys, JwtAuthenticator tokens) {
        this.apiKeys = apiKeys;
        this.tokens = tokens;
    }

    /** The embedded mode: API keys only; JWT-shaped tokens are refused as invalid keys. */
    public static BearerAuthenticator apiKeysOnly(ApiKeyAuthenticator apiKeys) {
        return new BearerAuthenticator(apiKeys, null);
    }

    /** The distributed mode: API keys and the identity provider's JWTs. */
    public static BearerAuthenticator apiKeysAndJwts(ApiKeyAuthenticator apiKeys, JwtAuthenticator tokens) {
        return new BearerAuthenticator(apiKeys, tokens);
    }

    public Mono<ApiKeyPrincipal> authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            return Mono.error(new ApiProblem(ProblemType.MISSING_CREDENTIALS,
                    "Send your API key or access token as 'Authorization: Bearer <credential>'."));
        }
        if (!authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Mono.error(new ApiProblem(ProblemType.MISSING_CREDENTIALS,
                    "Only Bearer credentials are accepted: 'Authorization: Bearer <credential>'."));
        }
        String credential = authorizationHeader.substring(BEARER.length()).strip();
        if (tokens != null && looksLikeJwt(credential)) {
            return tokens.authenticate(credential);
        }
        ApiKeyVerification verification = apiKeys.verify(credential);
        if (verification instanceof ApiKeyVerification.Accepted accepted) {
            return Mono.just(accepted.principal());
        }
        return Mono.error(problemFor(((ApiKeyVerification.Refused) verification).reason()));
    }

    static boolean looksLikeJwt(String credential) {
        return JWT_SHAPE.matcher(credential).matches();
    }

    private static ApiProblem problemFor(ApiKeyVerification.Reason reason) {
        return switch (reason) {
            case INVALID -> new ApiProblem(ProblemType.INVALID_API_KEY, "The API key is not valid.");
            case REVOKED -> new ApiProblem(ProblemType.REVOKED_API_KEY, "The API key has been revoked.");
            case EXPIRED -> new ApiProblem(ProblemType.EXPIRED_API_KEY, "The API key has expired.");
            case TENANT_SUSPENDED -> new ApiProblem(ProblemType.TENANT_SUSPENDED, "The tenant of this API key is suspended.");
        };
    }
}
