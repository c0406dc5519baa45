package dev.gatehouse.gateway;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayPropertiesTest {

    @Test
    void defaultsToOneMebibyteAndTwoSecondRefresh() {
        GatewayProperties properties = new GatewayProperties(null, null, null, null);

        assertThat(properties.maxRequestBytes()).isEqualTo(1024 * 1024);
        assertThat(properties.cacheRefreshInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesARefreshIntervalThatWouldLetRevokedKeysLiveTooLong() {
        assertThatThrownBy(() -> new GatewayProperties(null, Duration.ofSeconds(30), null, null))
                .hasMessageContaining("cache-refresh-interval");
    }

    @Test
    void refusesATinyRequestLimit() {
        assertThatThrownBy(() -> new GatewayProperties(10, null, null, null)).hasMessageContaining("max-request-bytes");
    }
}
