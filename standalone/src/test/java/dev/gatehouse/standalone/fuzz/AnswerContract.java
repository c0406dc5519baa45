package dev.gatehouse.standalone.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every answer of a Gatehouse HTTP API must be, whatever was asked: a 2xx, or a 4xx
 * {@code application/problem+json} whose {@code error.code} docs/errors.md lists and whose
 * {@code status} is the answer's; on the OpenAI endpoints also a model backend's own
 * OpenAI-compatible 4xx error, which docs/errors.md says is passed through unchanged.
 */
final class AnswerContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CATALOGUE_ROW = Pattern.compile("^\\|\\s*\\d{3}\\s*\\|\\s*`([a-z_]+)`", Pattern.MULTILINE);

    private final Set<String> documentedCodes;
    private final boolean backendErrorsPassThrough;

    private AnswerContract(Set<String> documentedCodes, boolean backendErrorsPassThrough) {
        this.documentedCodes = documentedCodes;
        this.backendErrorsPassThrough = backendErrorsPassThrough;
    }

    static AnswerContract ofAdminApis() {
        return new AnswerContract(documentedCodes(), false);
    }

    static AnswerContract ofModelEndpoints() {
        return new AnswerContract(documentedCodes(), true);
    }

    /** How the answer breaks the contract, or null when it keeps it. */
    String violation(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return null;
        }
        if (status < 400 || status >= 500) {
            return "answered " + status + " " + excerpt(response.body());
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        JsonNode body = json(response.body());
        if (contentType.startsWith("application/problem+json")) {
            String code = body.at("/error/code").asText("");
            if (!documentedCodes.contains(code)) {
                return "answered " + status + " with error.code '" + code + "', which docs/errors.md does not list: " + excerpt(response.body());
            }
            if (body.path("status").asInt() != status) {
                return "answered " + status + " with a problem whose status is " + body.path("status") + ": " + excerpt(response.body());
            }
            return null;
        }
        if (backendErrorsPassThrough && contentType.startsWith("application/json") && body.at("/error/message").isTextual()) {
            return null;
        }
        return "answered " + status + " as '" + contentType + "', not problem+json: " + excerpt(response.body());
    }

    static String excerpt(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return text.isEmpty() ? "(no body)" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static JsonNode json(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? JSON.missingNode() : node;
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static Set<String> documentedCodes() {
        try {
            Matcher rows = CATALOGUE_ROW.matcher(Files.readString(Path.of("../docs/errors.md")));
            Set<String> codes = new LinkedHashSet<>();
            while (rows.find()) {
                codes.add(rows.group(1));
            }
            return codes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
