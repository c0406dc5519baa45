package dev.gatehouse.tenant.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.BoundedBody;
import dev.gatehouse.problem.ContentNegotiation;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.InvalidAttributeException;
import dev.gatehouse.tenant.Role;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/** Reading admin request bodies strictly (types, lengths, unknown fields) and writing JSON answers. */
public final class AdminRequests {

    /** Decimals are read exactly (prices), never through a double; a body is one JSON value, with nothing after it. */
    public static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    public static final int MAX_NAME_LENGTH = 200;
    private static final int MAX_BODY_BYTES = 16 * 1024;
    public static final int MAX_LIST_ENTRIES = 100;

    private AdminRequests() {
    }

    /** The body as a JSON object that has no fields besides {@code allowed}. */
    public static Mono<JsonNode> jsonBody(ServerRequest request, Set<String> allowed) {
        return jsonBody(request, allowed, MAX_BODY_BYTES);
    }

    /** The body as a JSON object of at most {@code maxBytes} that has no fields besides {@code allowed}. */
    public static Mono<JsonNode> jsonBody(ServerRequest request, Set<String> allowed, int maxBytes) {
        return Mono.defer(() -> {
            ContentNegotiation.requireJsonBody(request.headers().asHttpHeaders());
            return BoundedBody.read(request.bodyToFlux(DataBuffer.class), maxBytes);
        }).map(bytes -> parseObject(bytes, allowed));
    }

    private static JsonNode parseObject(byte[] bytes, Set<String> allowed) {
        JsonNode body;
        try {
            body = bytes.length == 0 ? null : JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body is not valid JSON.");
        } catch (NumberFormatException e) {
            // Read exactly, 1E+2147483648 is valid JSON that no BigDecimal holds.
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body holds a number too large to read.");
        } catch (IOException e) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body could not be read.");
        }
        if (body == null || !body.isObject()) {
            throw new ApiProblem(ProblemType.MALFORMED_JSON, "The request body must be a JSON object.");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST,
                        "Unknown field; this request accepts " + String.join(", ", allowed.stream().sorted().toList()) + ".", name);
            }
        }
        return body;
    }

    public static String requiredText(JsonNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' is required and must be a non-empty string.", field);
        }
        return checkedText(value.asText().strip(), field, maxLength);
    }

    public static String checkedText(String text, String field, int maxLength) {
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' may have at most " + maxLength + " characters.", field);
        }
        if (text.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.UNASSIGNED
                || Character.getType(c) == Character.SURROGATE || c == '\u202E' || c == '\u202D')) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST,
                    "'" + field + "' must not contain control, unassigned or unpaired surrogate characters.", field);
        }
        return text;
    }

    /** A list of strings (deduplicated, order kept), or null when the field is absent or null. */
    public static Set<String> optionalTextList(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray() || value.size() > MAX_LIST_ENTRIES) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' must be an array of at most " + MAX_LIST_ENTRIES + " strings.", field);
        }
        Set<String> texts = new LinkedHashSet<>();
        for (JsonNode entry : value) {
            if (!entry.isTextual()) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' must contain only strings.", field);
            }
            texts.add(entry.asText());
        }
        return texts;
    }

    /** Role names, or just developer when the field is absent. */
    public static Set<Role> roles(JsonNode requested) {
        if (requested == null || requested.isNull()) {
            return Set.of(Role.DEVELOPER);
        }
        if (!requested.isArray() || requested.isEmpty()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'roles' must be a non-empty array of role names.", "roles");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (JsonNode role : requested) {
            try {
                roles.add(Role.fromCode(role.isTextual() ? role.asText() : ""));
            } catch (IllegalArgumentException e) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "Unknown role; use platform-admin, tenant-admin, publisher, developer or auditor.", "roles");
            }
        }
        return roles;
    }

    public static boolean requiredBoolean(JsonNode value, String field) {
        if (!value.isBoolean()) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' must be true or false.", field);
        }
        return value.booleanValue();
    }

    public static long requiredInteger(JsonNode value, String field, long min, long max) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' must be an integer from " + min + " to " + max + ".", field);
        }
        return value.longValue();
    }

    public static Instant optionalFutureInstant(JsonNode body, String field, Instant now) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            Instant instant = Instant.parse(value.isTextual() ? value.asText() : "");
            if (!instant.isAfter(now)) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' must be in the future.", field);
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + field + "' must be an ISO-8601 instant such as 2027-01-31T00:00:00Z.", field);
        }
    }

    /**
     * Refuses a query parameter the endpoint does not know, naming it (when its name is printable),
     * and a known one given more than once, which would be ambiguous.
     */
    public static void requireKnownQueryParameters(ServerRequest request, Set<String> known, String endpoint) {
        request.queryParams().forEach((name, values) -> {
            if (!known.contains(name)) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "Unknown query parameter; " + endpoint + " accepts "
                        + String.join(", ", known.stream().sorted().toList()) + ".", checkedText(name, "parameter", 64));
            }
            if (values.size() > 1) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + name + "' may be given once.", name);
            }
        });
    }

    public static int queryInteger(ServerRequest request, String name, int defaultValue, int min, int max) {
        String raw = request.queryParam(name).orElse(null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below, the same as an out-of-range number
        }
        throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + name + "' must be an integer from " + min + " to " + max + ".", name);
    }

    public static void putSorted(ObjectNode target, String field, Collection<String> values) {
        if (values == null) {
            target.putNull(field);
            return;
        }
        ArrayNode array = target.putArray(field);
        values.stream().sorted().forEach(array::add);
    }

    public static void putInstant(ObjectNode target, String field, Instant instant) {
        target.put(field, instant == null ? null : instant.toString());
    }

    /** The routes, refusing with 406 before any work a caller whose {@code Accept} header excludes {@code answer}. */
    public static RouterFunction<ServerResponse> answering(MediaType answer, RouterFunction<ServerResponse> routes) {
        return routes.filter((request, next) -> Mono.defer(() -> {
            ContentNegotiation.requireAcceptable(request.headers().asHttpHeaders(), answer);
            return next.handle(request);
        }));
    }

    /** The routes, with invalid tenant attributes answered as 400 problems naming the attribute. */
    public static RouterFunction<ServerResponse> withAttributeProblems(RouterFunction<ServerResponse> routes) {
        return routes.filter((request, next) -> Mono.defer(() -> next.handle(request))
                .onErrorMap(InvalidAttributeException.class,
                        invalid -> new ApiProblem(ProblemType.INVALID_REQUEST, invalid.getMessage(), invalid.attribute())));
    }

    public static Mono<ServerResponse> json(HttpStatus status, JsonNode body) {
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(body.toString());
    }
}
