package dev.gatehouse.catalog.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.admin.AdminRequests;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Strict readers for the catalog's request fields: each refusal is a 400 naming the field. */
final class CatalogFields {

    static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,47}");

    private CatalogFields() {
    }

    static ApiProblem invalid(String field, String detail) {
        return new ApiProblem(ProblemType.INVALID_REQUEST, detail, field);
    }

    static String optionalText(JsonNode body, String field, int maxLength, String fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw invalid(field, "'" + field + "' must be a string.");
        }
        return checkedText(value.asText().strip(), field, maxLength);
    }

    /** Text that may span lines (a model card): tabs and line breaks are kept, other control characters refused. */
    static String optionalMultilineText(JsonNode body, String field, int maxLength, String fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw invalid(field, "'" + field + "' must be a string.");
        }
        String text = value.asText();
        for (String line : text.split("[\\n\\t\\r]", -1)) {
            AdminRequests.checkedText(line, field, maxLength);
        }
        if (text.codePointCount(0, text.length()) > maxLength) {
            throw invalid(field, "'" + field + "' may have at most " + maxLength + " characters.");
        }
        return text;
    }

    static String checkedText(String text, String field, int maxLength) {
        return AdminRequests.checkedText(text, field, maxLength);
    }

    static <T> T choice(JsonNode body, String field, Function<String, T> parse, String allowed, T fallback) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        try {
            return parse.apply(value.isTextual() ? value.asText() : "");
        } catch (IllegalArgumentException e) {
            throw invalid(field, "'" + field + "' must be one of " + allowed + ".");
        }
    }

    static Boolean optionalBoolean(JsonNode body, String field, Boolean fallback) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? fallback : AdminRequests.requiredBoolean(value, field);
    }

    /** An integer that always has a value: absent keeps {@code fallback}, null is refused. */
    static int integer(JsonNode body, String field, long min, long max, int fallback) {
        JsonNode value = body.get(field);
        return value == null ? fallback : Math.toIntExact(AdminRequests.requiredInteger(value, field, min, max));
    }

    /** An integer that may be unstated: absent keeps {@code fallback}, null clears it. */
    static Integer optionalInteger(JsonNode body, String field, long min, long max, Integer fallback) {
        JsonNode value = body.get(field);
        return value == null ? fallback : value.isNull() ? null : Math.toIntExact(AdminRequests.requiredInteger(value, field, min, max));
    }

    /** A decimal amount from a JSON number or a numeric string, exactly (never through a double). */
    static BigDecimal amount(JsonNode value, String field, BigDecimal max) {
        BigDecimal amount;
        try {
            amount = value.isNumber() ? value.decimalValue() : value.isTextual() ? new BigDecimal(value.asText()) : null;
        } catch (NumberFormatException e) {
            amount = null;
        }
        if (amount == null || amount.signum() < 0 || amount.compareTo(max) > 0 || amount.scale() > 6) {
            throw invalid(field, "'" + field + "' must be an amount from 0 to " + max.toPlainString() + " with at most 6 decimals.");
        }
        return amount;
    }

    static Instant optionalInstant(JsonNode body, String field, Instant fallback) {
        JsonNode value = body.get(field);
        if (value == null) {
            return fallback;
        }
        if (value.isNull()) {
            return null;
        }
        try {
            return Instant.parse(value.isTextual() ? value.asText() : "");
        } catch (DateTimeParseException e) {
            throw invalid(field, "'" + field + "' must be an ISO-8601 instant such as 2027-01-31T00:00:00Z.");
        }
    }

    /** Codes such as certifications: lower-case, deduplicated, each from {@code known} when that is given. */
    static Set<String> codes(JsonNode body, String field, Set<String> known, Set<String> fallback) {
        Set<String> values = AdminRequests.optionalTextList(body, field);
        if (values == null) {
            return body.has(field) ? Set.of() : fallback;
        }
        Set<String> codes = new LinkedHashSet<>();
        for (String value : values) {
            if (!CODE.matcher(value).matches() || (known != null && !known.contains(value))) {
                throw invalid(field, known == null
                        ? "'" + field + "' entries must be lower-case codes such as gdpr-ready."
                        : "'" + field + "' entries must be among " + known.stream().sorted().toList() + ".");
            }
            codes.add(value);
        }
        return Set.copyOf(codes);
    }

    static JsonNode optionalObject(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw invalid(field, "'" + field + "' must be an object.");
        }
        return value;
    }

    static void onlyFields(JsonNode object, String field, Set<String> allowed) {
        object.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                throw invalid(field + "." + name, "Unknown field '" + field + "." + name + "'; '" + field + "' accepts "
                        + String.join(", ", allowed.stream().sorted().toList()) + ".");
            }
        });
    }
}
