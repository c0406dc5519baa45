package dev.gatehouse.gateway.plane;

import org.springframework.context.annotation.Conditional;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A bean or configuration that exists only in a process whose {@link ProcessMode} serves this plane. */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Conditional(PlaneCondition.class)
public @interface OnPlane {

    Plane value();
}
