package dev.gatehouse.standalone.fuzz;

import dev.gatehouse.testing.HostileText;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Header values, path segments and query values that hostile or careless clients send. */
final class HostileHttp {

    private static final List<String> CONTENT_TYPES = List.of(
            "application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/json;charset=UTF-8",
            "application/json; charset=utf-16", "application/json; charset=latin1", "application/json; charset=nonsense",
            "application/json;charset=\"", "application/json; charset=", "application/json; boundary=x; q=1",
            "text/plain", "text/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
            "application/*", "*/*", "application/", "/json", ";;;", "", " ", "json", "application/json, text/plain",
            "application/problem+json", "application/vnd.api+json", "application/json\u00e9", "\u00ff\u00fe");
    private static final List<String> ACCEPTS = List.of(
            "*/*", "application/json", "application/problem+json", "text/event-stream", "application/*", "text/html",
            "application/xml", "image/png", "application/json;q=0", "*/*;q=0", "text/html, application/json;q=0.1",
            "application/json;q=0, */*", "", ";;", "*/", "application/json;q=nonsense", "text/*", "\u00e9/\u00e9");
    private static final List<String> REQUEST_IDS = List.of(
            "caller-id-12345678", "short", "", " ", "a".repeat(64), "a".repeat(65), "<script>alert(1)</script>", "../../etc/passwd",
            "id with spaces 1234", "\u00e9\u00e8\u00ea-accented-1234", "1234567890abcdef\t", "'; DROP TABLE audit; --", "%00%0d%0a");
    private static final List<String> PATH_SEGMENTS = List.of(
            "%00", "..", "..%2F..%2Fadmin", "%2e%2e", "%2F", "a%2Fb", "%20", "%25", "%C0%AE", "%E2%80%AE", "%F0%9F%98%80",
            "%ED%A0%80", "%FF", "UPPER-CASE", "-dash", "a", ";", "x;y=1", "%3B", "%0D%0AX-Injected:%201", "%22%3E%3Cscript%3E",
            "'", "*", "~", "%7B%7D", "null", "0", "kaaaaaaaaaaaaaaaa", "%E0%A4%A8", "%5C", "%C2%A0", "%E2%80%8B", "default");
    private static final List<String> QUERY_VALUES = List.of(
            "%00", "-1", "0", "99999999999999999999", "1e3", "abc", "", "%27", "%E2%80%AE", "a%00b", "%FF", "true", "%20",
            "null", "1.5", "%ED%A0%80", "[]", "%7B%7D", "NaN", "0x10");

    private HostileHttp() {
    }

    /**
     * The request with the headers a client sets made hostile now and then: its Content-Type (when
     * it has a body, or sometimes when not), Accept, X-Request-Id, and a large header within the
     * server's limits.
     */
    static FuzzRequest withHostileHeaders(FuzzRequest request, boolean hasBody, Random random) {
        FuzzRequest out = request;
        List<String> mutations = new ArrayList<>();
        int contentType = random.nextInt(20);
        if (hasBody && contentType < 17) {
            out = out.withHeader("Content-Type", "application/json");
        } else if (contentType >= 17 && contentType < 19 || !hasBody && random.nextInt(10) == 0) {
            String value = pick(CONTENT_TYPES, random);
            out = out.withHeader("Content-Type", value);
            mutations.add("Content-Type " + HostileText.escaped(value));
        } else if (hasBody) {
            mutations.add("no Content-Type");
        }
        if (random.nextInt(8) == 0) {
            String value = pick(ACCEPTS, random);
            out = out.withHeader("Accept", value);
            mutations.add("Accept " + HostileText.escaped(value));
        }
        if (random.nextInt(10) == 0) {
            String value = random.nextBoolean() ? pick(REQUEST_IDS, random) : headerValue(random);
            out = out.withHeader("X-Request-Id", value);
            mutations.add("X-Request-Id " + HostileText.escaped(value));
        }
        if (random.nextInt(25) == 0) {
            out = out.withHeader("X-Fuzz-Padding", "p".repeat(6000));
            mutations.add("a 6000-byte header");
        }
        return mutations.isEmpty() ? out : out.alsoMutated(String.join("; ", mutations));
    }

    static <T> T pick(List<T> choices, Random random) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** A hostile path segment, now and then one far longer than any identifier. */
    static String pathSegment(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> "a".repeat(300);
            case 1 -> "x".repeat(3000);
            case 2 -> encoded(HostileText.next(random, 4));
            default -> pick(PATH_SEGMENTS, random);
        };
    }

    static String queryValue(Random random) {
        return switch (random.nextInt(10)) {
            case 0 -> "x".repeat(2000);
            case 1 -> encoded(HostileText.next(random, 4));
            default -> pick(QUERY_VALUES, random);
        };
    }

    /** A header value as the client can send it: no line breaks, characters past Latin-1 dropped. */
    static String headerValue(Random random) {
        String text = HostileText.next(random, 6);
        StringBuilder value = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c >= 0x20 && c <= 0xff && c != 0x7f || c == '\t') {
                value.append(c);
            }
        }
        return value.toString().strip();
    }

    /** Percent-encoded as a path segment or query value; lone surrogates become '?', as UTF-8 encoders make them. */
    static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
