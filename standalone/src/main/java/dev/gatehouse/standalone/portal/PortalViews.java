package dev.gatehouse.standalone.portal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What every page and form of the portal does alike: who is signed in, rendering with the
 * navigation, the CSRF token and the last action's outcome, post-redirect-get with the API's own
 * words, downloads passed through, and addresses built with every value encoded.
 */
final class PortalViews {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FLASH = "portal.flash";

    private PortalViews() {
    }

    static Mono<PortalUser> user(ServerRequest request) {
        return request.principal().map(principal -> ((ApiKeySignIn.SignedIn) principal).getPrincipal());
    }

    static Mono<CsrfToken> csrf(ServerRequest request) {
        Mono<CsrfToken> token = request.exchange().getAttribute(CsrfToken.class.getName());
        return token == null ? Mono.error(new IllegalStateException("CSRF protection is not configured for the portal")) : token;
    }

    /** Renders a page with what every page needs: the user (navigation), the CSRF token (forms) and the last action's outcome. */
    static Mono<ServerResponse> page(ServerRequest request, PortalUser user, String view, Map<String, ?> values) {
        return Mono.zip(csrf(request), request.session()).flatMap(both -> {
            Map<String, Object> model = new HashMap<>(values);
            model.put("_csrf", both.getT1());
            model.put("user", Navigation.of(user));
            Object flash = both.getT2().getAttributes().remove(FLASH);
            if (flash != null) {
                model.put("flash", flash);
            }
            return ServerResponse.ok().render(view, model);
        });
    }

    /** The fragment an htmx request asks for (it names itself in HX-Request), the whole page otherwise. */
    static String viewFor(ServerRequest request, String page, String fragment) {
        return request.headers().firstHeader("HX-Request") != null ? page + " :: " + fragment : page;
    }

    /** After a form: back to the page, with the API's answer (success or refusal) shown once. */
    static Mono<ServerResponse> posted(ServerRequest request, String backTo, Mono<String> outcome) {
        return outcome.map(message -> Map.of("kind", "success", "message", message))
                .onErrorResume(PortalApiProblem.class, problem -> problem.signedOut()
                        ? Mono.error(problem) : Mono.just(Map.of("kind", "error", "message", problem.getMessage())))
                .flatMap(flash -> request.session().doOnNext(session -> session.getAttributes().put(FLASH, flash)))
                .then(ServerResponse.seeOther(URI.create(backTo)).build());
    }

    static Mono<ServerResponse> download(PortalApi api, ServerRequest request, String pathAndQuery, String filename) {
        return user(request).flatMap(user -> api.download(user, pathAndQuery)).flatMap(answer -> streamed(answer, filename));
    }

    private static Mono<ServerResponse> streamed(ResponseEntity<Flux<DataBuffer>> answer, String filename) {
        ServerResponse.BodyBuilder response = ServerResponse.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"");
        if (answer.getHeaders().getContentType() != null) {
            response.contentType(answer.getHeaders().getContentType());
        }
        return response.body(BodyInserters.fromDataBuffers(answer.getBody()));
    }

    /** A form's text field, stripped; empty when absent or blank. */
    static Optional<String> field(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? Optional.empty()
                : Optional.ofNullable(values.get(0)).map(String::strip).filter(value -> !value.isEmpty());
    }

    /** A form's whole number; refused in the portal's own words, before any API call, when it is none. */
    static long wholeNumber(String value, String label) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new PortalApiProblem(400, "'" + label + "' must be a whole number.");
        }
    }

    /** A form's decimal number (prices, budgets, thresholds), kept exact. */
    static BigDecimal decimalNumber(String value, String label) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new PortalApiProblem(400, "'" + label + "' must be a number such as 0.5 or 250.");
        }
    }

    static Optional<List<String>> words(String text) {
        return Optional.ofNullable(text).map(String::strip).filter(value -> !value.isEmpty())
                .map(value -> Arrays.stream(value.split("[,\\s]+")).filter(word -> !word.isEmpty()).toList());
    }

    /** The non-blank query parameters of these names that the page was asked with. */
    static Map<String, String> given(ServerRequest request, String... names) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : names) {
            request.queryParam(name).filter(value -> !value.isBlank()).ifPresent(value -> given.put(name, value));
        }
        return given;
    }

    /** Each value encoded whole, so that a '&' or '=' typed into a filter stays part of that filter. */
    static String withQuery(String encodedPath, Map<String, String> query) {
        UriComponentsBuilder builder = UriComponentsBuilder.fromPath(encodedPath);
        query.forEach((name, value) -> builder.queryParam(name, UriUtils.encodeQueryParam(value, StandardCharsets.UTF_8)));
        return builder.build(true).toUriString();
    }

    static String path(String template, Object... variables) {
        return UriComponentsBuilder.fromPath(template).encode().buildAndExpand(variables).toUriString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? new HashMap<>() : JSON.convertValue(node, HashMap.class);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(JsonNode node) {
        return node == null || !node.isArray() ? List.of() : JSON.convertValue(node, List.class);
    }

    /** An API answer a page can do without: the API's refusal with this status becomes the empty answer, others stay refusals. */
    static Mono<JsonNode> absentOn(int status, Mono<JsonNode> answer) {
        return answer.onErrorResume(PortalApiProblem.class, problem -> problem.status() == status
                ? Mono.just(JSON.createObjectNode()) : Mono.error(problem));
    }
}
