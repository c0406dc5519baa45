package dev.gatehouse.gateway.metering;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenUsageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsOpenAisUsageObject() throws Exception {
        assertThat(TokenUsage.fromResponse(JSON.readTree("{\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3,\"total_tokens\":10}}")))
                .contains(new TokenUsage(7, 3, true));
    }

    @Test
    void aUsageOfTotalTokensAloneIsAllInputAsARerankersIs() throws Exception {
        assertThat(TokenUsage.fromResponse(JSON.readTree("{\"results\":[],\"usage\":{\"total_tokens\":23}}")))
                .contains(new TokenUsage(23, 0, true));
    }

    @Test
    void readsTheResponsesApisUsageInAnAnswerAndInItsCompletedEvent() throws Exception {
        assertThat(TokenUsage.fromResponse(JSON.readTree("""
                {"object":"response","usage":{"input_tokens":31,"output_tokens":4,"total_tokens":35}}""")))
                .contains(new TokenUsage(31, 4, true));
        assertThat(TokenUsage.fromResponse(JSON.readTree("""
                {"type":"response.completed","sequence_number":9,"response":{"usage":{"input_tokens":12,"output_tokens":5,"total_tokens":17}}}""")))
                .contains(new TokenUsage(12, 5, true));
        assertThat(TokenUsage.fromResponse(JSON.readTree("""
                {"type":"response.created","sequence_number":0,"response":{"usage":null}}"""))).isEmpty();
    }

    @Test
    void noUsableUsageIsNone() throws Exception {
        assertThat(TokenUsage.fromResponse(JSON.readTree("{\"choices\":[]}"))).isEmpty();
        assertThat(TokenUsage.fromResponse(JSON.readTree("{\"usage\":{\"total_tokens\":\"many\"}}"))).isEmpty();
    }
}
