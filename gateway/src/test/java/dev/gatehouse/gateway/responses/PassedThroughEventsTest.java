package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.sse.AnswerEvent;
import dev.gatehouse.gateway.sse.ServerSentEvents;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PassedThroughEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theBackendsTypedEventsPassAsTheyCame() {
        List<byte[]> backend = List.of(event("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0}\n\n"),
                event("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"delta\":\"Hi\"}\n\n"));

        assertThat(PassedThroughEvents.of(Flux.fromIterable(backend).map(AnswerEvent::framed)).map(AnswerEvent::bytes).collectList().block())
                .containsExactlyElementsOf(backend);
    }

    @Test
    void theGatewaysErrorAtABrokenStreamBecomesATypedErrorEventNumberedAfterTheLast() throws Exception {
        List<byte[]> events = PassedThroughEvents.of(Flux.just(
                event("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":4}\n\n"),
                event("data: {\"error\":{\"message\":\"The model backend stopped answering.\",\"type\":\"server_error\",\"param\":null,"
                        + "\"code\":\"backend_timeout\"}}\n\n")).map(AnswerEvent::framed)).map(AnswerEvent::bytes).collectList().block();

        String error = new String(events.get(1), StandardCharsets.UTF_8);
        assertThat(error).startsWith("event: error\n");
        assertThat(ServerSentEvents.data(events.get(1))).isEqualTo(JSON.readTree("""
                {"type":"error","sequence_number":5,"code":"backend_timeout","message":"The model backend stopped answering.","param":null}"""));
    }

    private static byte[] event(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
