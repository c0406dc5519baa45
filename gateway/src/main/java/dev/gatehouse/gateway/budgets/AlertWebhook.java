package dev.gatehouse.gateway.budgets;

import java.net.URI;
import java.util.Objects;

/** Where a tenant's budget alerts are posted, and the secret their HMAC-SHA256 signature is made with. */
public record AlertWebhook(URI url, String secret) {

    public AlertWebhook {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "AlertWebhook[" + url + ", secret hidden]";
    }
}
