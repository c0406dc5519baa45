package dev.gatehouse.standalone;

import dev.gatehouse.gateway.plane.ProcessMode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One jar, three ways to run it ({@code gatehouse.mode}): {@code all} (the embedded default),
 * {@code gateway} (the data plane alone) or {@code control-plane}. Which beans each plane has is
 * marked on them with {@link dev.gatehouse.gateway.plane.OnPlane}.
 */
@Configuration(proxyBeanMethods = false)
class PlanesConfiguration {

    @Bean
    PlaneBoundary planeBoundary(@Value("${" + ProcessMode.PROPERTY + ":all}") ProcessMode mode) {
        return new PlaneBoundary(mode);
    }
}
