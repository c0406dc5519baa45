package dev.gatehouse.gateway.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.UpstreamCredential;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.policy.CallPolicy;
import dev.gatehouse.gateway.routing.BackendAttempt;
import dev.gatehouse.gateway.routing.BackendFailure;
import dev.gatehouse.gateway.routing.BackendLease;
import dev.gatehouse.gateway.routing.BackendSelector;
import dev.gatehouse.gateway.routing.CapacityQueue;
import dev.gatehouse.gateway.routing.FallbackModels;
import dev.gatehouse.gateway.routing.RetryAfter;
import dev.gatehouse.gateway.routing.RoutingProperties;
import dev.gatehouse.gateway.routing.SkippedFallback;
import dev.gatehouse.policy.PolicyDecision;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemExceptionHandler;
import dev.gatehouse.problem.ProblemType;
import io.netty.handler.timeout.ReadTimeoutException;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientResponse;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.SSLException;

/**
 * Sends the call to a backend of the resolved model in a region the policy permits (obligation
 * {@code route_regions}), chosen and leased by {@link BackendSelector}: the body is re-serialised
 * with the backend's own model name, the caller's credentials and cookies are removed, so a
 * backend never sees a Gatehouse API key; a backend that needs a key of its own gets its upstream
 * credential from the catalog instead; and so is the caller's {@code Accept-Encoding}, since the
 * steps after this one read the answer as it passes and need it uncompressed.
 *
 * <p>While nothing of an answer has reached the caller, a call that failed is sent to another
 * permitted backend, up to the configured attempts and within the retry deadline: when the
 * connection could not be made, when the backend was silent past its response timeout, and when it
 * closed the connection before answering, and when it answered 5xx or 429 (whose
 * {@code Retry-After} it is then spared for). The last answer is passed
 * on as it came when no other backend can take the call. When every permitted backend is at its
 * maximum concurrency the call waits in its model's bounded queue, and is answered 503
 * {@code capacity_exhausted} with {@code Retry-After} when the wait runs out. The backends tried
 * are in the call context and, for the one that answered, in {@value #BACKEND_HEADER}.
 *
 * <p>When none of the model's backends can serve (none healthy, every one full, or every attempt
 * failed before anything reached the caller), the model's fallback models are tried in order, each
 * only once {@link FallbackModels} found that the policy allows this call on it; the model that
 * served is named in {@value #MODEL_HEADER}, and the caller's problem lists the fallbacks that could
 * not take the call and why (decision 0510).
 */
public final class BackendRoutingFilter implements GlobalFilter, Ordered {

    /** Names the backend that answered, its region and how many backends the call was sent to. */
    public static final String BACKEND_HEADER = "X-Gatehouse-Backend-Region";
    /** Names the model that served the call and, when it was a fallback, the model the caller asked for. */
    public static final String MODEL_HEADER = "X-Gatehouse-Served-Model";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BackendSelector selector;
    private final CapacityQueue queue;
    private final FallbackModels fallbackModels;
    private final RoutingProperties settings;

    public BackendRoutingFilter(BackendSelector selector, CapacityQueue queue, FallbackModels fallbackModels, RoutingProperties settings) {
        this.selector = selector;
        this.queue = queue;
        this.fallbackModels = fallbackModels;
        this.settings = settings;
    }

    @Override
    public int getOrder() {
        return GatewayStep.BACKEND_ROUTING.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel()) {
            return chain.filter(exchange);
        }
        return new Routing(exchange, chain, context).route(null);
    }

    /** A model a call may go to, with the policy's decision for sending it there. */
    private record Target(CatalogModel model, PolicyDecision decision) {

        Set<String> regions() {
            return decision.obligations().routeRegions();
        }
    }

    /**
     * The state of routing one call: the model it is tried on now, the fallbacks still to judge, the
     * backends tried, and the response headers as they were before the first attempt.
     */
    private final class Routing {

        private final ServerWebExchange exchange;
        private final GatewayFilterChain chain;
        private final CallContext context;
        private final String purposeHeader;
        private final Iterator<String> fallbacks;
        private final Set<String> tried = new HashSet<>();
        private final Map<String, Integer> attemptsByModel = new HashMap<>();
        private final HttpHeaders headersBeforeAnswer = new HttpHeaders();
        private final long queueDeadline;
        private final Target requested;
        private Target target;
        /** The first model found with every permitted backend full: the one to wait for when nothing else can serve. */
        private Target firstBusy;
        private boolean promptRewritten;

        Routing(ServerWebExchange exchange, GatewayFilterChain chain, CallContext context) {
            this.exchange = exchange;
            this.chain = chain;
            this.context = context;
            this.purposeHeader = exchange.getRequest().getHeaders().getFirst(CallPolicy.PURPOSE_HEADER);
            this.fallbacks = context.requestedModel().fallbackModels().iterator();
            this.requested = new Target(context.model(), context.decision());
            this.target = requested;
            this.promptRewritten = !context.decision().obligations().redact().isEmpty();
            this.headersBeforeAnswer.addAll(exchange.getResponse().getHeaders());
            this.queueDeadline = System.nanoTime() + settings.maxQueueWait().toNanos();
        }

        /** Leases a backend and sends the call; {@code previousFailure} is what to answer if no backend is left to try. */
        Mono<Void> route(Throwable previousFailure) {
            return lease(previousFailure).flatMap(this::send);
        }

        /**
         * A backend of the current model, else of the next fallback the call may go to; when none
         * can serve but one was only full, a wait in that model's queue.
         */
        private Mono<BackendLease> lease(Throwable previousFailure) {
            return Mono.defer(() -> {
                BackendSelector.Choice choice = choose();
                if (choice instanceof BackendSelector.Leased leased) {
                    return Mono.just(leased.lease());
                }
                if (choice instanceof BackendSelector.AllBusy && firstBusy == null) {
                    firstBusy = target;
                } else if (choice instanceof BackendSelector.NoneAvailable && target == firstBusy) {
                    firstBusy = null;
                }
                if (fallbacks.hasNext() && mayStartAttempt()) {
                    return nextFallback().then(lease(previousFailure));
                }
                if (firstBusy == null) {
                    return Mono.error(withSkippedFallbacks(previousFailure != null ? previousFailure : noHealthyBackend()));
                }
                target = firstBusy;
                long patience = queueDeadline - System.nanoTime();
                if (patience <= 0) {
                    return Mono.error(capacityExhausted());
                }
                return queue.awaitFreeSlot(target.model().id(), Duration.ofNanos(patience))
                        .flatMap(admitted -> admitted ? lease(previousFailure) : Mono.error(capacityExhausted()));
            });
        }

        /** A backend free right now, of the current model or of a fallback: what a retry needs before an answer is discarded. */
        private Mono<Optional<BackendLease>> leaseAtHand() {
            return Mono.defer(() -> {
                if (choose() instanceof BackendSelector.Leased leased) {
                    return Mono.just(Optional.of(leased.lease()));
                }
                return fallbacks.hasNext() ? nextFallback().then(leaseAtHand()) : Mono.just(Optional.empty());
            });
        }

        private BackendSelector.Choice choose() {
            if (attemptsByModel.getOrDefault(target.model().id(), 0) >= settings.maxAttempts()) {
                return new BackendSelector.NoneAvailable();
            }
            return selector.choose(target.model(), target.regions(), tried);
        }

        /** Judges the next fallback; an admitted one becomes the model the call is tried on. */
        private Mono<Void> nextFallback() {
            return fallbackModels.judge(context, fallbacks.next(), purposeHeader, promptRewritten).doOnNext(verdict -> {
                if (verdict instanceof FallbackModels.Admitted admitted) {
                    promptRewritten |= admitted.rewrotePrompt();
                    target = new Target(admitted.model(), admitted.decision());
                } else if (verdict instanceof FallbackModels.Skipped skipped) {
                    context.skippedFallback(skipped.fallback());
                }
            }).then();
        }

        private Mono<Void> send(BackendLease lease) {
            ModelBackend backend = lease.backend();
            tried.add(backend.id());
            attemptsByModel.merge(target.model().id(), 1, Integer::sum);
            if (target.model() != context.model()) {
                context.serveWith(target.model(), target.decision());
            }
            context.backend(backend);
            return chain.filter(exchange.mutate().request(forwarded(backend)).build())
                    .then(Mono.defer(() -> answered(lease)))
                    .onErrorResume(failure -> failed(lease, failure))
                    .doOnCancel(lease::abandoned);
        }

        private Mono<Void> answered(BackendLease lease) {
            lease.answered();
            HttpClientResponse answer = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR);
            int status = answer == null ? 200 : answer.status().code();
            if (status == 429) {
                lease.throttled(RetryAfter.of(answer.responseHeaders().get(HttpHeaders.RETRY_AFTER), settings.maxEjection()));
                return retryOrPassOn(lease, "throttled");
            }
            if (status >= 500) {
                lease.failed(BackendFailure.SERVER_ERROR);
                return retryOrPassOn(lease, "server_error");
            }
            context.backendLease(lease);
            return passOn(lease);
        }

        /** An unusable answer goes to the caller only when no other backend, of this model or a fallback, can take the call right now. */
        private Mono<Void> retryOrPassOn(BackendLease failedLease, String outcome) {
            if (!mayStartAttempt()) {
                return passOn(failedLease);
            }
            return leaseAtHand().flatMap(next -> {
                if (next.isEmpty()) {
                    return passOn(failedLease);
                }
                context.backendAttempt(attempt(failedLease, outcome));
                discardAnswer();
                return send(next.get());
            });
        }

        private Mono<Void> passOn(BackendLease lease) {
            ModelBackend backend = lease.backend();
            context.backendAttempt(attempt(lease, "answered"));
            HttpHeaders headers = exchange.getResponse().getHeaders();
            headers.set(BACKEND_HEADER, backend.region() + "; backend=" + backend.id() + "; attempts=" + context.backendAttempts().size());
            headers.set(MODEL_HEADER, context.model().id()
                    + (context.servedByFallback() ? "; fallback-for=" + context.requestedModel().id() : ""));
            return Mono.empty();
        }

        private BackendAttempt attempt(BackendLease lease, String outcome) {
            ModelBackend backend = lease.backend();
            return new BackendAttempt(backend.modelId(), backend.id(), backend.region(), outcome);
        }

        private Mono<Void> failed(BackendLease lease, Throwable failure) {
            BackendFailure kind = classify(failure);
            if (kind == null) {
                // not the backend's health that failed (its TLS settings, say): neither judged nor retried
                lease.abandoned();
                return Mono.error(failure);
            }
            lease.failed(kind);
            context.backendAttempt(attempt(lease, switch (kind) {
                case CONNECT -> "connect_failed";
                case TIMEOUT -> "timed_out";
                default -> "connection_lost";
            }));
            Throwable answer = kind == BackendFailure.BROKEN_STREAM
                    ? new ApiProblem(ProblemType.BACKEND_UNAVAILABLE, "The model backend closed the connection before answering.")
                    : failure;
            if (!mayStartAttempt()) {
                return Mono.error(answer);
            }
            discardAnswer();
            return route(answer);
        }

        /** Another attempt may start only while nothing of an answer has reached the caller, and not after the retry deadline. */
        private boolean mayStartAttempt() {
            return System.nanoTime() - context.receivedNanos() < settings.retryDeadline().toNanos()
                    && !exchange.getResponse().isCommitted();
        }

        /** Forgets what an attempt left on the exchange, so the next one starts as the first did. */
        private void discardAnswer() {
            Connection connection = exchange.getAttribute(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
            if (connection != null) {
                connection.dispose();
            }
            exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_ATTR);
            exchange.getAttributes().remove(ServerWebExchangeUtils.CLIENT_RESPONSE_CONN_ATTR);
            exchange.getAttributes().remove(ServerWebExchangeUtils.ORIGINAL_RESPONSE_CONTENT_TYPE_ATTR);
            exchange.getAttributes().remove(ServerWebExchangeUtils.GATEWAY_ALREADY_ROUTED_ATTR);
            ServerHttpResponse response = exchange.getResponse();
            response.setStatusCode(null);
            response.getHeaders().clear();
            response.getHeaders().addAll(headersBeforeAnswer);
        }

        private ServerHttpRequest forwarded(ModelBackend backend) {
            // a copy of the top level only: the attempt changes nothing below it, and the caller's body stays as it came
            ObjectNode body = context.body().objectNode().setAll(context.body());
            body.put("model", backend.upstreamModel());
            byte[] bytes = serialise(body);
            URI target = backend.endpoint(context.backendPath());
            exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target);
            ServerHttpRequest stripped = exchange.getRequest().mutate()
                    .headers(headers -> {
                        headers.remove(HttpHeaders.AUTHORIZATION);
                        headers.remove(HttpHeaders.COOKIE);
                        headers.remove(HttpHeaders.TRANSFER_ENCODING);
                        // the answer is read on its way (usage, inspection, translation), so it must come uncompressed
                        headers.remove(HttpHeaders.ACCEPT_ENCODING);
                        headers.setContentLength(bytes.length);
                        UpstreamCredential credential = backend.credential();
                        if (credential != null) {
                            headers.set(credential.headerName(), credential.headerValue());
                        }
                    })
                    .build();
            return new ServerHttpRequestDecorator(stripped) {
                @Override
                public Flux<DataBuffer> getBody() {
                    return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(bytes)));
                }
            };
        }

        private ApiProblem noHealthyBackend() {
            return new ApiProblem(ProblemType.NO_HEALTHY_BACKEND, "No backend of the model '" + requested.model().id()
                    + "' in the permitted regions " + requested.regions() + " is reachable right now; retry shortly.");
        }

        private ApiProblem capacityExhausted() {
            return withSkippedFallbacks(new ApiProblem(ProblemType.CAPACITY_EXHAUSTED, "Every backend of the model '" + target.model().id()
                    + "' that may serve this call is busy; retry shortly.").retryAfter(Duration.ofSeconds(1)));
        }

        /** The caller's problem, saying which fallbacks could not take the call and why, when there were any. */
        private ApiProblem withSkippedFallbacks(Throwable failure) {
            ApiProblem problem = ProblemExceptionHandler.describe(failure);
            List<SkippedFallback> skipped = context.skippedFallbacks();
            if (skipped.isEmpty()) {
                return problem;
            }
            List<Map<String, Object>> described = skipped.stream().map(fallback -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("model", fallback.modelId());
                entry.put("reason", fallback.reason());
                if (!fallback.policyReasons().isEmpty()) {
                    entry.put("policy_reasons", fallback.policyReasons());
                }
                return entry;
            }).toList();
            return problem.with("fallbacks_skipped", described);
        }
    }

    /** The failure as the backend's health sees it; null when it says nothing about the backend. */
    private static BackendFailure classify(Throwable error) {
        if (error instanceof ApiProblem problem) {
            return problem.type() == ProblemType.BACKEND_TIMEOUT ? BackendFailure.TIMEOUT : null;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return BackendFailure.CONNECT;
            }
            if (cause instanceof ReadTimeoutException) {
                return BackendFailure.TIMEOUT;
            }
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            // closed or reset before the answer began (Reactor Netty's PrematureCloseException is one)
            if (cause instanceof IOException && !(cause instanceof SSLException)) {
                return BackendFailure.BROKEN_STREAM;
            }
        }
        return null;
    }

    private static byte[] serialise(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }

    @Override
    public String toString() {
        return "BackendRouting[least loaded healthy backend, " + settings.maxAttempts() + " attempts per model within "
                + settings.retryDeadline() + ", then the model's fallbacks the policy allows, queue of " + settings.maxQueueWait()
                + " when all are busy]";
    }
}
