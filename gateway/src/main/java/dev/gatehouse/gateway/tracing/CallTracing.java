package dev.gatehouse.gateway.tracing;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.TracingObservationHandler;
import reactor.util.context.ContextView;

/** The trace a call belongs to, as its server observation carries it. */
public final class CallTracing {

    private CallTracing() {
    }

    /** The W3C trace id (32 hex digits) of the call observed in this Reactor context; null when the call is not traced. */
    public static String traceIdIn(ContextView reactorContext) {
        Span call = serverSpanIn(reactorContext);
        String traceId = call == null ? "" : call.context().traceId();
        return traceId.isEmpty() ? null : traceId;
    }

    /** The span of the call observed in this Reactor context (its server span); null when the call is not traced. */
    static Span serverSpanIn(ContextView reactorContext) {
        Observation call = reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
        if (call == null || call.isNoop()) {
            return null;
        }
        TracingObservationHandler.TracingContext tracing = call.getContextView().get(TracingObservationHandler.TracingContext.class);
        return tracing == null ? null : tracing.getSpan();
    }
}
