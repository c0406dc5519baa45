package dev.gatehouse.gateway.plane;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import java.util.Map;

final class PlaneCondition implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> attributes = metadata.getAnnotationAttributes(OnPlane.class.getName());
        return ProcessMode.of(context.getEnvironment()).serves((Plane) attributes.get("value"));
    }
}
