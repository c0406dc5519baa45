package dev.gatehouse.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wire form of an API key: {@code gatehouse_<keyId>_<secret>}. The fixed prefix lets secret
 * scanners find leaked keys; the key id is not secret and names the key in lists and logs; the
 * secret carries 256 random bits. Because the whole token has that much entropy, a single SHA-256
 * is a sufficient stored hash: there is nothing to brute-force, and a slow password hash would
 * cost milliseconds on every request.
 */
public final class ApiKeyToken {

    static final String PREFIX = "gatehouse_";
    private static final String KEY_ID = "k[a-z2-7]{16}";
    private static final Pattern KEY_ID_FORMAT = Pattern.compile(KEY_ID);
    private static final Pattern FORMAT = Pattern.compile("gatehouse_(" + KEY_ID + ")_([A-Za-z0-9_-]{43})");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyToken() {
    }

    /** A fresh key: the token to show once, and its id. */
    static Minted mint() {
        StringBuilder keyId = new StringBuilder("k");
        for (int i = 0; i < 16; i++) {
            keyId.append(BASE32[RANDOM.nextInt(BASE32.length)]);
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Minted(keyId.toString(), token);
    }

    /** The key id of a well-formed token, or empty for anything else. */
    public static Optional<String> keyIdOf(String token) {
        if (token == null || token.length() != PREFIX.length() + 17 + 1 + 43) {
            return Optional.empty();
        }
        Matcher matcher = FORMAT.matcher(token);
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** Whether the text has the form of a key id, so that anything else can be refused before a lookup. */
    public static boolean isKeyId(String text) {
        return text != null && KEY_ID_FORMAT.matcher(text).matches();
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    record Minted(String keyId, String token) {
    }
}
