package dev.gatehouse.gateway;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointTest {

    @Test
    void exactPathsNameTheirEndpoints() {
        assertThat(Endpoint.forRequest("/v1/models", HttpMethod.GET)).contains(Endpoint.MODELS);
        assertThat(Endpoint.forRequest("/v1/responses", HttpMethod.POST)).contains(Endpoint.RESPONSES);
        assertThat(Endpoint.forRequest("/v1/completions", HttpMethod.POST)).contains(Endpoint.COMPLETIONS);
    }

    @Test
    void oneModelsPathNamesTheModelDecodedSlashesIncluded() {
        assertThat(Endpoint.forRequest("/v1/models/chat-simulator", HttpMethod.GET)).contains(Endpoint.MODEL);
        assertThat(Endpoint.MODEL.resourceIn("/v1/models/acme%2Fllama-8b")).contains("acme/llama-8b");
        assertThat(Endpoint.MODEL.resourceIn("/v1/models/acme/llama-8b")).contains("acme/llama-8b");
    }

    @Test
    void emptyOrBadlyEscapedModelNamesNoEndpoint() {
        assertThat(Endpoint.forRequest("/v1/models/", HttpMethod.GET)).isEmpty();
        assertThat(Endpoint.forRequest("/v1/models/bad%ZZescape", HttpMethod.GET)).isEmpty();
    }

    @Test
    void aStoredResponseIsReadWithGetAndForgottenWithDelete() {
        assertThat(Endpoint.forRequest("/v1/responses/resp_1", HttpMethod.GET)).contains(Endpoint.STORED_RESPONSE);
        assertThat(Endpoint.forRequest("/v1/responses/resp_1", HttpMethod.DELETE)).contains(Endpoint.STORED_RESPONSE_DELETION);
        assertThat(Endpoint.STORED_RESPONSE.resourceIn("/v1/responses/resp_1")).contains("resp_1");
    }

    @Test
    void anotherMethodAtAKnownPathNamesItsFirstEndpointWhichRefusesIt() {
        assertThat(Endpoint.forRequest("/v1/responses/resp_1", HttpMethod.PUT)).contains(Endpoint.STORED_RESPONSE);
        assertThat(Endpoint.forRequest("/v1/chat/completions", HttpMethod.GET)).contains(Endpoint.CHAT_COMPLETIONS);
    }

    @Test
    void aModelsScopeAdmitsOneModelsPath() {
        assertThat(Endpoint.MODEL.scopePath()).isEqualTo("/v1/models");
        assertThat(Endpoint.RESPONSES.scopePath()).isEqualTo("/v1/responses");
        assertThat(Endpoint.STORED_RESPONSE.scopePath()).isEqualTo("/v1/responses");
    }
}
