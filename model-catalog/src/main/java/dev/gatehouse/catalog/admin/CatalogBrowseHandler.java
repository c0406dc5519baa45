package dev.gatehouse.catalog.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelCatalog;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelStatus;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.admin.AdminAccess;
import dev.gatehouse.tenant.admin.AdminRequests;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * Browsing the catalog, for any member of any tenant: the models its tenant can see (public ones,
 * its own, those shared with it), searched, filtered, sorted and paged with an opaque keyset
 * cursor. Answered from the in-memory catalog; retired models (past their sunset) are not listed.
 */
final class CatalogBrowseHandler {

    private static final Set<String> PARAMETERS = Set.of("q", "kind", "region", "certification", "publisher", "max_input_price",
            "status", "sort", "cursor", "limit");
    private static final int DEFAULT_PAGE = 20;
    private static final int MAX_PAGE = 100;
    private static final int MAX_QUERY_LENGTH = 200;

    /** The sort orders, each total (ties broken by id) so that a keyset cursor is exact. */
    private enum Sort {
        NAME, PRICE, NEWEST;

        Comparator<CatalogModel> order(Instant now) {
            Comparator<CatalogModel> order = switch (this) {
                case NAME -> Comparator.comparing((CatalogModel model) -> model.description().displayName().toLowerCase(Locale.ROOT));
                case PRICE -> Comparator.comparing((CatalogModel model) -> model.priceAt(now).inputPerMillionTokens());
                case NEWEST -> Comparator.comparing(CatalogModel::createdAt).reversed();
            };
            return order.thenComparing(CatalogModel::id);
        }
    }

    private final ModelCatalog catalog;
    private final AdminAccess admin;
    private final Clock clock;

    CatalogBrowseHandler(ModelCatalog catalog, AdminAccess admin, Clock clock) {
        this.catalog = catalog;
        this.admin = admin;
        this.clock = clock;
    }

    RouterFunction<ServerResponse> routes() {
        return route(GET("/catalog/v1/models"), this::browse)
                .andRoute(GET("/catalog/v1/models/{model}"), this::read);
    }

    private Mono<ServerResponse> browse(ServerRequest request) {
        return admin.member(request).map(caller -> {
            AdminRequests.requireKnownQueryParameters(request, PARAMETERS, "the catalog");
            Instant now = clock.instant();
            Sort sort = parameter(request, "sort", value -> Sort.valueOf(value.toUpperCase(Locale.ROOT)), "name, price, newest", Sort.NAME);
            Comparator<CatalogModel> order = sort.order(now);
            int limit = AdminRequests.queryInteger(request, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
            Predicate<CatalogModel> matches = filters(request, now);
            List<CatalogModel> visible = catalog.models().stream()
                    .filter(model -> model.visibleTo(caller.tenantId()) && !model.lifecycle().retiredAt(now))
                    .filter(matches)
                    .sorted(order)
                    .toList();
            String after = request.queryParam("cursor").map(cursor -> decodeCursor(cursor, sort)).orElse(null);
            int start = 0;
            if (after != null) {
                // only among the models this caller can see, so that a cursor cannot probe for other tenants' model ids
                CatalogModel last = visible.stream().filter(model -> model.id().equals(after)).findFirst().orElse(null);
                if (last == null) {
                    throw new ApiProblem(ProblemType.INVALID_REQUEST,
                            "The model this cursor continues after is no longer listed; start again from the first page.", "cursor");
                }
                start = firstAfter(visible, last, order);
            }
            List<CatalogModel> page = visible.subList(Math.min(start, visible.size()), Math.min(start + limit, visible.size()));
            ObjectNode answer = CatalogJson.list(page.stream().map(model -> listing(caller, model, now, false)).toList());
            boolean more = start + limit < visible.size();
            answer.put("has_more", more);
            answer.put("next_cursor", more ? encodeCursor(page.get(page.size() - 1).id(), sort) : null);
            return answer;
        }).flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private Mono<ServerResponse> read(ServerRequest request) {
        return admin.member(request).map(caller -> {
            Instant now = clock.instant();
            CatalogModel model = catalog.find(request.pathVariable("model"))
                    .filter(found -> found.visibleTo(caller.tenantId()) && !found.lifecycle().retiredAt(now))
                    .orElseThrow(() -> new ApiProblem(ProblemType.NOT_FOUND, "No model with this id in the catalog.", "model"));
            return listing(caller, model, now, true);
        }).flatMap(answer -> AdminRequests.json(HttpStatus.OK, answer));
    }

    private ObjectNode listing(ApiKeyPrincipal caller, CatalogModel model, Instant now, boolean withCard) {
        return CatalogJson.listing(model, catalog.subscription(caller.tenantId(), model.id()).orElse(null), now, withCard);
    }

    private static Predicate<CatalogModel> filters(ServerRequest request, Instant now) {
        Predicate<CatalogModel> all = model -> true;
        String query = request.queryParam("q").map(q -> AdminRequests.checkedText(q.strip(), "q", MAX_QUERY_LENGTH)).orElse("");
        for (String term : query.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!term.isEmpty()) {
                all = all.and(model -> searchableText(model).contains(term));
            }
        }
        ModelKind kind = parameter(request, "kind", ModelKind::fromCode, ModelKind.codes(), null);
        if (kind != null) {
            all = all.and(model -> model.kind() == kind);
        }
        ModelStatus status = parameter(request, "status", ModelStatus::fromCode, "preview, ga, deprecated", null);
        if (status != null) {
            all = all.and(model -> model.lifecycle().status() == status);
        }
        String region = request.queryParam("region").orElse(null);
        if (region != null) {
            all = all.and(model -> model.regions().contains(region));
        }
        String certification = request.queryParam("certification").orElse(null);
        if (certification != null) {
            all = all.and(model -> model.compliance().certifications().contains(certification)
                    || model.compliance().certifiedSpecialCategories().contains(certification));
        }
        String publisher = request.queryParam("publisher").orElse(null);
        if (publisher != null) {
            all = all.and(model -> model.description().publisher().equalsIgnoreCase(publisher));
        }
        BigDecimal maxInputPrice = parameter(request, "max_input_price", BigDecimal::new, "a decimal amount such as 0.5", null);
        if (maxInputPrice != null) {
            all = all.and(model -> model.priceAt(now).inputPerMillionTokens().compareTo(maxInputPrice) <= 0);
        }
        return all;
    }

    private static String searchableText(CatalogModel model) {
        return String.join("\n", model.id(), model.description().displayName(), model.description().summary(),
                model.description().modelCard(), model.description().publisher()).toLowerCase(Locale.ROOT);
    }

    private static <T> T parameter(ServerRequest request, String name, java.util.function.Function<String, T> parse, String allowed, T fallback) {
        String raw = request.queryParam(name).orElse(null);
        if (raw == null) {
            return fallback;
        }
        try {
            return parse.apply(raw);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'" + name + "' must be " + allowed + ".", name);
        }
    }

    private static int firstAfter(List<CatalogModel> sorted, CatalogModel last, Comparator<CatalogModel> order) {
        int index = 0;
        while (index < sorted.size() && order.compare(sorted.get(index), last) <= 0) {
            index++;
        }
        return index;
    }

    private static String encodeCursor(String lastId, Sort sort) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((sort.name() + "\n" + lastId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor, Sort sort) {
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'cursor' is not a cursor this API gave out.", "cursor");
        }
        int separator = decoded.indexOf('\n');
        if (separator < 0 || !decoded.substring(0, separator).equals(sort.name())) {
            throw new ApiProblem(ProblemType.INVALID_REQUEST, "'cursor' belongs to another sort order; keep 'sort' as in the first page.", "cursor");
        }
        return decoded.substring(separator + 1);
    }
}
