package dev.gatehouse.catalog;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the gateway presents to a backend that needs a key: a bearer token
 * ({@code Authorization: Bearer ...}) or an API key in a named header (such as {@code api-key} or
 * {@code x-api-key}). Held in memory only, decrypted from the catalog; {@link #toString()} never
 * shows the secret.
 */
public final class UpstreamCredential {

    public enum Scheme {
        BEARER, API_KEY;

        public String code() {
            return EnumCodes.code(this);
        }

        public static Scheme fromCode(String code) {
            return EnumCodes.parse(Scheme.class, code);
        }
    }

    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    private static final int MAX_SECRET_LENGTH = 4096;
    private static final String AUTHORIZATION = "Authorization";

    private final Scheme scheme;
    private final String headerName;
    private final String secret;

    private UpstreamCredential(Scheme scheme, String headerName, String secret) {
        this.scheme = scheme;
        this.headerName = headerName;
        this.secret = secret;
    }

    public static UpstreamCredential bearer(String token) {
        return new UpstreamCredential(Scheme.BEARER, AUTHORIZATION, requireSecret(token));
    }

    public static UpstreamCredential apiKey(String headerName, String key) {
        if (headerName == null || !HEADER_NAME.matcher(headerName).matches() || headerName.equalsIgnoreCase("host")
                || headerName.equalsIgnoreCase("content-length")) {
            throw new IllegalArgumentException("the API key header must be a plain header name such as api-key or x-api-key");
        }
        return new UpstreamCredential(Scheme.API_KEY, headerName, requireSecret(key));
    }

    public static UpstreamCredential of(Scheme scheme, String headerName, String secret) {
        return scheme == Scheme.BEARER ? bearer(secret) : apiKey(headerName, secret);
    }

    /**
     * A credential that is configured but that this process cannot decrypt (for example a replica
     * with another key store): the backend is known, but no call is sent to it without its key.
     */
    public static UpstreamCredential unreadable(Scheme scheme, String headerName) {
        return new UpstreamCredential(scheme, headerName, null);
    }

    public boolean readable() {
        return secret != null;
    }

    private static String requireSecret(String secret) {
        Objects.requireNonNull(secret, "secret");
        if (secret.isBlank() || secret.length() > MAX_SECRET_LENGTH
                || secret.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("the credential must be 1-" + MAX_SECRET_LENGTH + " printable ASCII characters without spaces");
        }
        return secret;
    }

    public Scheme scheme() {
        return scheme;
    }

    public String headerName() {
        return headerName;
    }

    public String headerValue() {
        if (secret == null) {
            throw new IllegalStateException("the credential of this backend could not be decrypted here");
        }
        return scheme == Scheme.BEARER ? "Bearer " + secret : secret;
    }

    /** The secret itself, for sealing it into storage; never for display. */
    public String secret() {
        return secret;
    }

    /** Equal when the same header carries the same secret, so a catalog re-read does not look like a changed backend. */
    @Override
    public boolean equals(Object other) {
        return other instanceof UpstreamCredential that && scheme == that.scheme && headerName.equals(that.headerName)
                && Objects.equals(secret, that.secret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, headerName, secret);
    }

    @Override
    public String toString() {
        return "UpstreamCredential[" + scheme.code() + " in " + headerName + ", secret redacted]";
    }
}
