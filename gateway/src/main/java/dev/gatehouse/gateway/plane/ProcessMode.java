package dev.gatehouse.gateway.plane;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import java.util.EnumSet;
import java.util.Set;

/**
 * Which planes one process of the single jar serves ({@code gatehouse.mode}): both in the
 * embedded default, or one of them, so that gateways and the control plane scale apart.
 */
public enum ProcessMode {
    ALL(EnumSet.allOf(Plane.class)),
    GATEWAY(EnumSet.of(Plane.DATA)),
    CONTROL_PLANE(EnumSet.of(Plane.CONTROL));

    public static final String PROPERTY = "gatehouse.mode";

    private final Set<Plane> planes;

    ProcessMode(Set<Plane> planes) {
        this.planes = planes;
    }

    public boolean serves(Plane plane) {
        return planes.contains(plane);
    }

    /** The setting's value as written in it: all, gateway or control-plane. */
    public String settingValue() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The configured mode; a value that names none stops the start, naming the setting. */
    public static ProcessMode of(Environment environment) {
        return Binder.get(environment).bind(PROPERTY, ProcessMode.class).orElse(ALL);
    }
}
