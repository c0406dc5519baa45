package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.sse.AnswerEvent;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResponsesStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void textStreamBecomesTypedEventsEndingInCompletedWithUsage() throws Exception {
        List<JsonNode> events = translate(
                chunk("{\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}"),
                chunk("{\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}"),
                chunk("{\"delta\":{\"content\":\" world\"},\"finish_reason\":null}"),
                chunk("{\"delta\":{},\"finish_reason\":\"stop\"}"),
                "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}\n\n",
                "data: [DONE]\n\n");

        assertThat(events).extracting(event -> event.get("type").asText()).containsExactly(
                "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        assertThat(events).extracting(event -> event.get("sequence_number").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        JsonNode completed = events.get(events.size() - 1).get("response");
        assertThat(completed.get("status").asText()).isEqualTo("completed");
        assertThat(completed.at("/output/0/content/0/text").asText()).isEqualTo("Hello world");
        assertThat(completed.at("/usage/input_tokens").asInt()).isEqualTo(7);
        assertThat(completed.at("/usage/output_tokens").asInt()).isEqualTo(2);
        assertThat(completed.at("/usage/total_tokens").asInt()).isEqualTo(9);
    }

    @Test
    void toolCallFragmentsBecomeAFunctionCallItemWithItsArguments() throws Exception {
        List<JsonNode> events = translate(
                chunk("{\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_9\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}"),
                chunk("{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]},\"finish_reason\":null}"),
                chunk("{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Lisbon\\\"}\"}}]},\"finish_reason\":null}"),
                chunk("{\"delta\":{},\"finish_reason\":\"tool_calls\"}"),
                "data: [DONE]\n\n");

        assertThat(events).extracting(event -> event.get("type").asText()).containsExactly(
                "response.created", "response.in_progress", "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done", "response.output_item.done",
                "response.completed");
        JsonNode item = events.get(events.size() - 1).at("/response/output/0");
        assertThat(item.get("type").asText()).isEqualTo("function_call");
        assertThat(item.get("call_id").asText()).isEqualTo("call_9");
        assertThat(item.get("name").asText()).isEqualTo("weather");
        assertThat(JSON.readTree(item.get("arguments").asText())).isEqualTo(JSON.readTree("{\"city\":\"Lisbon\"}"));
    }

    @Test
    void answerCutShortByItsLengthEndsIncomplete() throws Exception {
        List<JsonNode> events = translate(chunk("{\"delta\":{\"content\":\"Once\"},\"finish_reason\":\"length\"}"), "data: [DONE]\n\n");

        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("type").asText()).isEqualTo("response.incomplete");
        assertThat(last.at("/response/incomplete_details/reason").asText()).isEqualTo("max_output_tokens");
    }

    @Test
    void chatErrorEventBecomesAnErrorEventAndNothingFollows() throws Exception {
        List<JsonNode> events = translate(chunk("{\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}"),
                "data: {\"error\":{\"message\":\"The model backend stopped answering.\",\"type\":\"server_error\",\"code\":\"backend_unavailable\"}}\n\n",
                "data: [DONE]\n\n");

        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("type").asText()).isEqualTo("error");
        assertThat(last.get("code").asText()).isEqualTo("backend_unavailable");
        assertThat(events).extracting(event -> event.get("type").asText()).doesNotContain("response.completed");
    }

    @Test
    void streamEndingWithoutDoneStillCompletes() throws Exception {
        List<JsonNode> events = translate(chunk("{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}"));

        assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("response.completed");
    }

    private static List<JsonNode> translate(String... chatEvents) throws Exception {
        ObjectNode request = (ObjectNode) JSON.readTree("{\"model\":\"m\",\"input\":\"hi\",\"stream\":true}");
        List<AnswerEvent> events = ResponsesTranslation.of(request, Instant.EPOCH)
                .events(Flux.fromArray(chatEvents).map(event -> AnswerEvent.framed(event.getBytes(StandardCharsets.UTF_8))))
                .collectList().block();
        return events.stream().map(event -> parse(event.bytes())).toList();
    }

    /** The data of a typed event, checked to carry its type in the event line too. */
    private static JsonNode parse(byte[] event) {
        String[] lines = new String(event, StandardCharsets.UTF_8).split("\n");
        try {
            JsonNode data = JSON.readTree(lines[1].substring("data: ".length()));
            assertThat(lines[0]).isEqualTo("event: " + data.get("type").asText());
            return data;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String chunk(String choice) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[" + choice.replaceFirst("^\\{", "{\"index\":0,") + "]}\n\n";
    }
}
