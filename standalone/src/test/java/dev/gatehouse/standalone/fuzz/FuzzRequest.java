package dev.gatehouse.standalone.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One request of a fuzz run, as the corpus keeps it: what was done to make it hostile, method, raw
 * path with query, headers, body bytes, and which of the run's credentials it carries (an explicit
 * Authorization header wins). Values of the run's own fixtures (tenants, keys, models) appear as
 * {@code ${name}} placeholders, so that a replay binds them to the fixtures it creates.
 */
record FuzzRequest(String mutation, String method, String path, List<Header> headers, byte[] body, String credential) {

    private static final ObjectMapper JSON = new ObjectMapper();

    record Header(String name, String value) {
    }

    /** The same request, described as made hostile in one more way. */
    FuzzRequest alsoMutated(String how) {
        return new FuzzRequest(mutation + "; " + how, method, path, headers, body, credential);
    }

    FuzzRequest withHeader(String name, String value) {
        List<Header> more = new ArrayList<>(headers);
        more.add(new Header(name, value));
        return new FuzzRequest(mutation, method, path, more, body, credential);
    }

    /** Fixture values replaced by their placeholders, the longest value first. */
    FuzzRequest withPlaceholders(Map<String, String> fixtures) {
        List<Map.Entry<String, String>> longestFirst = fixtures.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, String> fixture) -> fixture.getValue().length()).reversed())
                .toList();
        return rewritten(text -> {
            String out = text;
            for (Map.Entry<String, String> fixture : longestFirst) {
                out = out.replace(fixture.getValue(), "${" + fixture.getKey() + "}");
            }
            return out;
        });
    }

    /** Placeholders replaced by the values of this run's fixtures. */
    FuzzRequest resolved(Map<String, String> fixtures) {
        return rewritten(text -> {
            String out = text;
            for (Map.Entry<String, String> fixture : fixtures.entrySet()) {
                out = out.replace("${" + fixture.getKey() + "}", fixture.getValue());
            }
            return out;
        });
    }

    /** Placeholders and fixture values are ASCII: rewriting the body as ISO-8859-1 leaves every other byte as it was. */
    private FuzzRequest rewritten(UnaryOperator<String> rewrite) {
        List<Header> rewrittenHeaders = headers.stream().map(header -> new Header(header.name(), rewrite.apply(header.value()))).toList();
        byte[] rewrittenBody = rewrite.apply(new String(body, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
        return new FuzzRequest(mutation, method, rewrite.apply(path), rewrittenHeaders, rewrittenBody, credential);
    }

    ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode().put("mutation", mutation).put("method", method).put("path", path).put("credential", credential);
        ArrayNode headerList = json.putArray("headers");
        headers.forEach(header -> headerList.addArray().add(header.name()).add(header.value()));
        String text = utf8(body);
        if (text != null) {
            json.put("body", text);
        } else {
            json.put("body_base64", Base64.getEncoder().encodeToString(body));
        }
        return json;
    }

    static FuzzRequest fromJson(JsonNode json) {
        List<Header> headers = new ArrayList<>();
        json.path("headers").forEach(header -> headers.add(new Header(header.get(0).asText(), header.get(1).asText())));
        byte[] body = json.has("body_base64")
                ? Base64.getDecoder().decode(json.get("body_base64").asText())
                : json.path("body").asText("").getBytes(StandardCharsets.UTF_8);
        return new FuzzRequest(json.path("mutation").asText(), json.get("method").asText(), json.get("path").asText(), headers, body,
                json.path("credential").asText("none"));
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        String shownPath = path.length() > 160 ? path.substring(0, 160) + "... (" + path.length() + " characters)" : path;
        return method + " " + shownPath + " as " + credential + " (" + mutation + ", " + body.length + " bytes)";
    }
}
