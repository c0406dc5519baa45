package dev.gatehouse.gateway.tracing;

import dev.gatehouse.gateway.GatewayStep;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;

/**
 * Gives each pipeline step its span by wrapping the step's filter in a {@link TracedStep}: one
 * place for every step, none of which knows it is traced. The backend call is left alone: Spring
 * Cloud Gateway's own client observation spans it and writes its {@code traceparent}.
 */
public final class StepTracing implements BeanPostProcessor {

    private final ObjectProvider<Tracer> tracers;

    public StepTracing(ObjectProvider<Tracer> tracers) {
        this.tracers = tracers;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof GlobalFilter filter && bean instanceof Ordered ordered && !(bean instanceof TracedStep)
                && bean.getClass().getPackageName().startsWith("dev.gatehouse.gateway")) {
            return GatewayStep.at(ordered.getOrder())
                    .filter(step -> step != GatewayStep.BACKEND_CALL)
                    .<Object>map(step -> new TracedStep(filter, step, tracers))
                    .orElse(bean);
        }
        return bean;
    }
}
