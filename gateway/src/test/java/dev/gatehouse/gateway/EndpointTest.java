package dev.gatehouse.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointTest {

    @Test
    void exactPathsNameTheirEndpoints() {
        assertThat(Endpoint.forPath("/v1/models")).contains(Endpoint.MODELS);
        assertThat(Endpoint.forPath("/v1/responses")).contains(Endpoint.RESPONSES);
        assertThat(Endpoint.forPath("/v1/completions")).contains(Endpoint.COMPLETIONS);
        assertThat(Endpoint.forPath("/v1/responses/resp_1")).isEmpty();
    }

    @Test
    void oneModelsPathNamesTheModelDecodedSlashesIncluded() {
        assertThat(Endpoint.forPath("/v1/models/chat-simulator")).contains(Endpoint.MODEL);
        assertThat(Endpoint.MODEL.resourceIn("/v1/models/acme%2Fllama-8b")).contains("acme/llama-8b");
        assertThat(Endpoint.MODEL.resourceIn("/v1/models/acme/llama-8b")).contains("acme/llama-8b");
    }

    @Test
    void emptyOrBadlyEscapedModelNamesNoEndpoint() {
        assertThat(Endpoint.forPath("/v1/models/")).isEmpty();
        assertThat(Endpoint.forPath("/v1/models/bad%ZZescape")).isEmpty();
    }

    @Test
    void aModelsScopeAdmitsOneModelsPath() {
        assertThat(Endpoint.MODEL.scopePath()).isEqualTo("/v1/models");
        assertThat(Endpoint.RESPONSES.scopePath()).isEqualTo("/v1/responses");
    }
}
