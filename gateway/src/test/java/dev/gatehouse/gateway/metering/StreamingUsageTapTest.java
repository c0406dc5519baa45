package dev.gatehouse.gateway.metering;

import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamingUsageTapTest {

    private static final String CONTENT = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n";
    private static final String FINISH = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
    private static final String USAGE = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    @Test
    void readsUsageAndPassesEverythingWhenCallerAskedForIt() {
        StreamingUsageTap tap = new StreamingUsageTap(false, false);

        String passed = run(tap, CONTENT + CONTENT + FINISH + USAGE + DONE);

        assertThat(passed).isEqualTo(CONTENT + CONTENT + FINISH + USAGE + DONE);
        assertThat(tap.reportedUsage()).contains(new TokenUsage(7, 2, true));
        assertThat(tap.completionText()).isEqualTo("HiHi");
    }

    @Test
    void hidesUsageChunkTheGatewayAskedForOnTheCallersBehalf() {
        StreamingUsageTap tap = new StreamingUsageTap(true, false);

        String passed = run(tap, CONTENT + FINISH + USAGE + DONE);

        assertThat(passed).isEqualTo(CONTENT + FINISH + DONE);
        assertThat(tap.reportedUsage()).contains(new TokenUsage(7, 2, true));
    }

    @Test
    void reassemblesEventsSplitAcrossNetworkBuffersAtAnyByte() {
        String stream = CONTENT + FINISH + USAGE + DONE;
        for (int split = 1; split < stream.length(); split += 7) {
            StreamingUsageTap tap = new StreamingUsageTap(true, false);
            List<String> pieces = List.of(stream.substring(0, split), stream.substring(split));

            assertThat(run(tap, pieces)).as("split at %d", split).isEqualTo(CONTENT + FINISH + DONE);
            assertThat(tap.reportedUsage()).isPresent();
        }
    }

    @Test
    void understandsCrLfEventSeparators() {
        StreamingUsageTap tap = new StreamingUsageTap(true, false);

        String passed = run(tap, CONTENT.replace("\n\n", "\r\n\r\n") + USAGE.replace("\n\n", "\r\n\r\n"));

        assertThat(passed).isEqualTo(CONTENT.replace("\n\n", "\r\n\r\n"));
        assertThat(tap.reportedUsage()).isPresent();
    }

    @Test
    void passesThroughUnparsableEventsAndTrailingBytes() {
        StreamingUsageTap tap = new StreamingUsageTap(true, false);

        String passed = run(tap, "data: {not json\n\n" + ": keep-alive comment\n\n" + "data: partial-without-end");

        assertThat(passed).isEqualTo("data: {not json\n\n" + ": keep-alive comment\n\n" + "data: partial-without-end");
        assertThat(tap.reportedUsage()).isEmpty();
    }

    @Test
    void findsTheUsageChunkHoweverItsJsonIsSpacedAndAssemblesTheTextWhetherReadAsItPassesOrAtTheEnd() {
        String spacedUsage = "data: {\"choices\" : [ ], \"usage\" :\t{ \"prompt_tokens\" : 7, \"completion_tokens\" : 2}}\n\n";
        for (boolean readsText : new boolean[] {true, false}) {
            StreamingUsageTap tap = new StreamingUsageTap(true, readsText);

            String passed = run(tap, CONTENT + CONTENT + spacedUsage + DONE);

            assertThat(passed).isEqualTo(CONTENT + CONTENT + DONE);
            assertThat(tap.reportedUsage()).contains(new TokenUsage(7, 2, true));
            assertThat(tap.completionText()).isEqualTo("HiHi");
        }
    }

    @Test
    void theAnswerSoFarCanBeReadWhileEventsStillPassOnAnotherThread() throws Exception {
        // a caller who goes away cancels on its connection's thread; metering then reads the answer so far
        StreamingUsageTap tap = new StreamingUsageTap(false, false);
        int events = 20_000;
        java.util.concurrent.CompletableFuture<String> passing = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> run(tap, java.util.Collections.nCopies(events, CONTENT)));

        int reads = 0;
        while (!passing.isDone()) {
            assertThat(tap.completionText().length() % 2).isZero();
            reads++;
        }

        assertThat(passing.get()).hasSize(events * CONTENT.length());
        assertThat(tap.completionText()).hasSize(events * 2);
        assertThat(reads).isPositive();
    }

    private static String run(StreamingUsageTap tap, String stream) {
        return run(tap, List.of(stream));
    }

    private static String run(StreamingUsageTap tap, List<String> pieces) {
        DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
        Flux<DataBuffer> input = Flux.fromIterable(pieces).map(piece -> buffers.wrap(piece.getBytes(StandardCharsets.UTF_8)));
        List<String> output = new ArrayList<>();
        tap.apply(ServerSentEvents.events(input).map(AnswerEvent::framed))
                .map(event -> new String(event.bytes(), StandardCharsets.UTF_8)).doOnNext(output::add).blockLast();
        return String.join("", output);
    }
}
