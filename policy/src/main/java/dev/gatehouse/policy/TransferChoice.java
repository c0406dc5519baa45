package dev.gatehouse.policy;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What happens to personal data bound for a destination without a legal basis for transfer. */
public enum TransferChoice {
    /** The call is refused. */
    REFUSE,
    /** The detected personal data is redacted, then the call proceeds. */
    REDACT;

    @JsonValue
    String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
