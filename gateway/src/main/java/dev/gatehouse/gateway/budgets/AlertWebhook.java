package dev.gatehouse.gateway.budgets;

import java.net.URI;
import java.util.Objects;

/**
 * Where a tenant's budget alerts are posted, and the secret their HMAC-SHA256 signature is made with.
 * Read from the store for anything but signing a delivery, the secret stays sealed there and is null.
 */
public record AlertWebhook(URI url, String secret) {

    public AlertWebhook {
        Objects.requireNonNull(url, "url");
    }

    static AlertWebhook withSealedSecret(URI url) {
        return new AlertWebhook(url, null);
    }

    @Override
    public String toString() {
        return "AlertWebhook[" + url + ", secret hidden]";
    }
}
