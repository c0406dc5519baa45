package dev.gatehouse.policy;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;

/**
 * Who is calling, as authenticated by the gateway; recorded with the decision.
 *
 * @param id   the API key id or the token subject, never the secret itself
 * @param kind how the principal authenticated, e.g. {@code api_key} or {@code jwt}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PrincipalFacts(String id, String kind) {

    public PrincipalFacts {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
    }
}
