import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.ModelDescription;
import dev.gatehouse.catalog.ModelKind;
import dev.gatehouse.catalog.ModelPrice;
import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.Endpoint;
import dev.gatehouse.gateway.audit.ResponseEndGate;
import dev.gatehouse.gateway.filter.BackendResponseFilter;
import dev.gatehouse.gateway.filter.MeteringFilter;
import dev.gatehouse.gateway.filter.PseudonymRestorationFilter;
import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import dev.gatehouse.gateway.metering.CallMetrics;
import dev.gatehouse.gateway.metering.TokenCounter;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.scanner.PersonalDataDetector;
import dev.gatehouse.scanner.Pseudonymizer;
import dev.gatehouse.tenant.ApiKeyPrincipal;
import dev.gatehouse.tenant.ApiKeyScopes;
import dev.gatehouse.tenant.Role;
import dev.gatehouse.tenant.Tenant;
import dev.gatehouse.tenant.TenantSettings;
import dev.gatehouse.tenant.TenantStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.reactivestreams.Publisher;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * CPU per call of the answer's path through the gateway's response steps, in one thread, without
 * the network: the answer the bench mock sends (16 tokens, plain or streamed as 19 events, each in
 * its own buffer as the backend flushes them) written through the steps a call of the benchmark's
 * tenant passes (audit's end gate, metering, backend response; with {@code restoring}, pseudonym
 * restoration too) into a response that drops what it is given. Runs against any build's jar, with
 * or without the AnswerSteps step of decision 0750, so that two builds are compared the same way:
 *
 *   mkdir -p /tmp/lib && (cd /tmp/lib && unzip -qo JAR 'BOOT-INF/lib/*')
 *   test=~/.m2/repository/org/springframework/spring-test/7.0.8/spring-test-7.0.8.jar   # the mock exchange
 *   taskset -c 1 java -cp "/tmp/lib/BOOT-INF/lib/*:$test" bench/AnswerPath.java stream|plain default|restoring [CALLS]
 */
public class AnswerPath {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEAD = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764547200,\"model\":\"bench-mock\",\"choices\":[";

    public static void main(String[] args) throws Exception {
        boolean streamed = args[0].equals("stream");
        boolean restoring = args[1].equals("restoring");
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        List<byte[]> answer = streamed ? streamedAnswer() : List.of(plainAnswer());
        List<GlobalFilter> steps = new ArrayList<>();
        if (restoring) {
            steps.add(new PseudonymRestorationFilter());
        }
        try (AsyncBatchWriter<UsageRecord> ledger = new AsyncBatchWriter<>("usage", 1_000_000, records -> { })) {
            steps.add(new MeteringFilter(ledger, new TokenCounter(), new CallMetrics(new SimpleMeterRegistry(), 10)));
            answerSteps().ifPresent(steps::add);
            steps.add(new BackendResponseFilter());
            PersonalDataDetector detector = new PersonalDataDetector();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int window = 0; window < 4; window++) {
                long cpu = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < calls; i++) {
                    call(steps, answer, streamed, restoring ? new Pseudonymizer(detector) : null);
                }
                double perCall = (threads.getCurrentThreadCpuTime() - cpu) / 1000.0 / calls;
                System.out.printf("%s %s window %d%s: %.1f µs CPU per call%n", args[0], args[1], window,
                        window == 0 ? " (warm-up)" : "", perCall);
            }
        }
    }

    /** The AnswerSteps step, in a build that has it (decision 0750). */
    private static java.util.Optional<GlobalFilter> answerSteps() throws Exception {
        try {
            return java.util.Optional.of((GlobalFilter) Class.forName("dev.gatehouse.gateway.filter.AnswerStepsFilter")
                    .getConstructor().newInstance());
        } catch (ClassNotFoundException olderBuild) {
            return java.util.Optional.empty();
        }
    }

    private static void call(List<GlobalFilter> steps, List<byte[]> answer, boolean streamed, Pseudonymizer pseudonyms) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        CallContext context = context(streamed);
        if (pseudonyms != null) {
            context.pseudonyms(pseudonyms);
        }
        context.attachTo(exchange);
        ServerWebExchange gated = exchange.mutate().response(new ResponseEndGate(dropping(exchange.getResponse()), Mono::empty)).build();
        chain(steps, 0, answer, streamed).filter(gated).block();
    }

    private static GatewayFilterChain chain(List<GlobalFilter> steps, int next, List<byte[]> answer, boolean streamed) {
        if (next == steps.size()) {
            return exchange -> {
                ServerHttpResponse response = exchange.getResponse();
                response.getHeaders().setContentType(streamed ? MediaType.TEXT_EVENT_STREAM : MediaType.APPLICATION_JSON);
                Flux<DataBuffer> pieces = Flux.fromIterable(answer).map(DefaultDataBufferFactory.sharedInstance::wrap);
                return streamed ? response.writeAndFlushWith(pieces.map(Flux::just)) : response.writeWith(pieces);
            };
        }
        return exchange -> steps.get(next).filter(exchange, chain(steps, next + 1, answer, streamed));
    }

    /** A response that takes whatever it is given and drops it, as a fast client would. */
    private static ServerHttpResponse dropping(ServerHttpResponse response) {
        return new ServerHttpResponseDecorator(response) {
            @Override
            public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
                return Flux.from(body).doOnNext(DataBufferUtils::release).then();
            }

            @Override
            public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
                return writeWith(Flux.from(body).concatMap(Flux::from));
            }
        };
    }

    private static CallContext context(boolean streamed) {
        CallContext context = new CallContext("call-1", "req-1", Endpoint.CHAT_COMPLETIONS, Instant.now(), System.nanoTime());
        ObjectNode body = JSON.createObjectNode().put("model", "bench-mock").put("stream", streamed);
        body.putArray("messages").addObject().put("role", "user").put("content", "Write a short greeting for a colleague.");
        context.body(body);
        context.tenant(TENANT);
        context.principal(PRINCIPAL);
        context.model(MODEL);
        context.backend(BACKEND);
        return context;
    }

    private static final UUID TENANT_ID = UUID.randomUUID();
    private static final Tenant TENANT = new Tenant(TENANT_ID, "bench", "Bench", TenantStatus.ACTIVE, TenantSettings.DEFAULTS);
    private static final ApiKeyPrincipal PRINCIPAL = new ApiKeyPrincipal("key-1", TENANT_ID, Set.of(Role.DEVELOPER), ApiKeyScopes.UNRESTRICTED);
    private static final CatalogModel MODEL = CatalogModel.platformModel("bench-mock", ModelKind.CHAT, ModelDescription.of("Bench", "bench", ""),
            ModelPrice.perMillionTokens(Instant.EPOCH, "0.50", "1.50"), false, Set.of(), List.of());
    private static final ModelBackend BACKEND = new ModelBackend("bench-mock-0ms", "bench-mock", URI.create("http://127.0.0.1:19100/v1"),
            "bench-mock", "eu-central");

    /** The bench mock's streamed answer: a role event, 16 tokens, the finish, the usage the gateway asks for, and [DONE]. */
    private static List<byte[]> streamedAnswer() {
        List<String> events = new ArrayList<>();
        events.add(HEAD + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}");
        for (int i = 0; i < 16; i++) {
            events.add(HEAD + "{\"index\":0,\"delta\":{\"content\":\"word \"},\"finish_reason\":null}]}");
        }
        events.add(HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
        events.add("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1764547200,\"model\":\"bench-mock\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":48,\"completion_tokens\":16,\"total_tokens\":64}}");
        events.add("[DONE]");
        return events.stream().map(data -> ("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static byte[] plainAnswer() {
        return ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1764547200,\"model\":\"bench-mock\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + "word ".repeat(16).strip() + "\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":48,\"completion_tokens\":16,\"total_tokens\":64}}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
