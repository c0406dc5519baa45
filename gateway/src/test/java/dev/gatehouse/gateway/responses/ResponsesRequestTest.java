package dev.gatehouse.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponsesRequestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void textInputWithInstructionsBecomesASystemAndAUserMessage() throws Exception {
        JsonNode chat = ResponsesRequest.toChat(request("""
                {"model":"m","instructions":"Answer in French.","input":"Hello there","max_output_tokens":50,"temperature":0.3,"background":false}"""));

        assertThat(chat).isEqualTo(JSON.readTree("""
                {"model":"m","messages":[{"role":"system","content":"Answer in French."},{"role":"user","content":"Hello there"}],
                 "temperature":0.3,"max_completion_tokens":50}"""));
    }

    @Test
    void itemsBecomeMessagesWithConsecutiveFunctionCallsInOneAssistantTurn() throws Exception {
        JsonNode chat = ResponsesRequest.toChat(request("""
                {"model":"m","input":[
                  {"role":"user","content":[{"type":"input_text","text":"Weather in Lisbon and Porto?"},
                                            {"type":"input_image","image_url":"https://example.com/map.png","detail":"low"}]},
                  {"type":"function_call","call_id":"c1","name":"weather","arguments":"{\\"city\\":\\"Lisbon\\"}"},
                  {"type":"function_call","call_id":"c2","name":"weather","arguments":"{\\"city\\":\\"Porto\\"}"},
                  {"type":"function_call_output","call_id":"c1","output":"Sunny"},
                  {"type":"function_call_output","call_id":"c2","output":"Rain"},
                  {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Sunny and rain."}]}]}"""));

        assertThat(chat.get("messages")).isEqualTo(JSON.readTree("""
                [{"role":"user","content":[{"type":"text","text":"Weather in Lisbon and Porto?"},
                                           {"type":"image_url","image_url":{"url":"https://example.com/map.png","detail":"low"}}]},
                 {"role":"assistant","content":null,"tool_calls":[
                   {"id":"c1","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Lisbon\\"}"}},
                   {"id":"c2","type":"function","function":{"name":"weather","arguments":"{\\"city\\":\\"Porto\\"}"}}]},
                 {"role":"tool","tool_call_id":"c1","content":"Sunny"},
                 {"role":"tool","tool_call_id":"c2","content":"Rain"},
                 {"role":"assistant","content":[{"type":"text","text":"Sunny and rain."}]}]"""));
    }

    @Test
    void functionToolsToolChoiceAndJsonSchemaFormatTakeTheirChatShapes() throws Exception {
        JsonNode chat = ResponsesRequest.toChat(request("""
                {"model":"m","input":"Forecast please","stream":true,
                 "tools":[{"type":"function","name":"weather","description":"Weather of a city","strict":true,
                           "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],
                 "tool_choice":{"type":"function","name":"weather"},
                 "text":{"format":{"type":"json_schema","name":"forecast","strict":true,"schema":{"type":"object"}}}}"""));

        assertThat(chat.get("tools")).isEqualTo(JSON.readTree("""
                [{"type":"function","function":{"name":"weather","description":"Weather of a city",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}}]"""));
        assertThat(chat.get("tool_choice")).isEqualTo(JSON.readTree("{\"type\":\"function\",\"function\":{\"name\":\"weather\"}}"));
        assertThat(chat.get("response_format")).isEqualTo(JSON.readTree("""
                {"type":"json_schema","json_schema":{"name":"forecast","schema":{"type":"object"},"strict":true}}"""));
        assertThat(chat.get("stream_options")).isEqualTo(JSON.readTree("{\"include_usage\":true}"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}|tools",
            "{\"model\":\"m\",\"input\":\"hi\",\"reasoning\":{\"effort\":\"high\"}}|reasoning",
            "{\"model\":\"m\",\"input\":\"hi\",\"conversation\":\"conv_1\"}|conversation",
            "{\"model\":\"m\",\"input\":[{\"type\":\"reasoning\",\"summary\":[]}]}|input",
            "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"f1\"}]}]}|input",
            "{\"model\":\"m\",\"input\":\"hi\",\"text\":{\"format\":{\"type\":\"grammar\"}}}|text",
            "{\"model\":\"m\",\"input\":\"hi\",\"tool_choice\":{\"type\":\"web_search\"}}|tool_choice",
            "{\"model\":\"m\",\"input\":\"hi\",\"truncation\":\"auto\"}|truncation"})
    void refusesWhatChatCannotExpressNamingTheField(String body, String param) {
        assertThatThrownBy(() -> ResponsesRequest.toChat(request(body)))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.type()).isEqualTo(ProblemType.UNSUPPORTED_PARAMETER);
                    assertThat(problem.param()).isEqualTo(param);
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"m\"}|input",
            "{\"model\":\"m\",\"input\":[]}|input",
            "{\"model\":\"m\",\"input\":42}|input",
            "{\"model\":\"m\",\"input\":[{\"role\":\"root\",\"content\":\"hi\"}]}|input",
            "{\"model\":\"m\",\"input\":\"hi\",\"instructions\":7}|instructions"})
    void refusesMalformedRequestsAsInvalid(String body, String param) {
        assertThatThrownBy(() -> ResponsesRequest.toChat(request(body)))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.type()).isEqualTo(ProblemType.INVALID_REQUEST);
                    assertThat(problem.param()).isEqualTo(param);
                });
    }

    @Test
    void aPassedThroughRequestMayCarrySettingsChatLacksButNoItemTheScanCannotRead() throws Exception {
        ResponsesRequest.checkPassThrough(request("""
                {"model":"m","input":"hi","reasoning":{"effort":"low"},"truncation":"auto","include":["reasoning.encrypted_content"]}"""));

        assertThatThrownBy(() -> ResponsesRequest.checkPassThrough(request("{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}")))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.param()).isEqualTo("input"));
        assertThatThrownBy(() -> ResponsesRequest.checkPassThrough(request("{\"model\":\"m\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}")))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> assertThat(problem.param()).isEqualTo("tools"));
    }

    private static ObjectNode request(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }
}
