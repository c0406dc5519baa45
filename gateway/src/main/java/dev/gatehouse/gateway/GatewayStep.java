package dev.gatehouse.gateway;

import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;

import java.util.Arrays;
import java.util.Optional;

/**
 * The request pipeline, in order: the one place that says which step runs when. Each step is one
 * filter class named after it. Two constraints from Spring Cloud Gateway shape the numbers:
 * response decorators must be installed before its NettyWriteResponseFilter (order -1), and the
 * backend URL must be chosen after its RouteToRequestUrlFilter (order 10000) has set the default.
 * BackendCall sends the call just ahead of its WebsocketRoutingFilter and NettyRoutingFilter
 * (orders {@code MAX_VALUE - 1} and {@code MAX_VALUE}), which then find the exchange routed.
 * AuditRecord wraps every step after it, so that refusals are audited too, refused
 * authentications included. StoredResponses answers reads and deletions of kept responses on their
 * own route. ResponsesTranslation turns a Responses API call into the chat call every later step
 * reads, and its answer back as the outermost rewrite, unless the call goes as it is to backends
 * serving that API (then the steps read the Responses request). RateLimit counts a call as
 * soon as its model is known, before the costly scans, and settles once the call has ended; Budget
 * reserves the call's greatest cost right after it, likewise settled once the call has ended.
 * The steps that work on the answer (ResponsesTranslation, ResponseInspection,
 * PseudonymRestoration, Metering) add their answer steps to the call, and AnswerSteps, after them,
 * reads the answer once and hands it through theirs in reverse order: Metering counts what the
 * backend sent, PseudonymRestoration puts personal data back, ResponseInspection judges what the
 * caller will actually receive, and ResponsesTranslation turns it back into the Responses API's
 * shape. BackendResponse, the one response decorator installed after AnswerSteps, sees the
 * backend's bytes first and ends a broken stream with an error event, which the answer steps see.
 */
public enum GatewayStep {
    REQUEST_IDENTITY(-1000),
    AUDIT_RECORD(-950),
    AUTHENTICATION(-900),
    TENANT_CONTEXT(-800),
    MODEL_LISTING(-600),
    STORED_RESPONSES(-590),
    MODEL_RESOLUTION(-500),
    RESPONSES_TRANSLATION(-490),
    RATE_LIMIT(-475),
    BUDGET(-465),
    PROMPT_INSPECTION(-450),
    POLICY_DECISION(-400),
    RESPONSE_INSPECTION(-300),
    PSEUDONYM_RESTORATION(-250),
    METERING(-100),
    ANSWER_STEPS(-75),
    BACKEND_RESPONSE(-50),
    BACKEND_ROUTING(RouteToRequestUrlFilter.ROUTE_TO_URL_FILTER_ORDER + 1),
    BACKEND_CALL(NettyRoutingFilter.ORDER - 2);

    private final int order;

    GatewayStep(int order) {
        this.order = order;
    }

    public int order() {
        return order;
    }

    /** The step at this order, if one is. */
    public static Optional<GatewayStep> at(int order) {
        return Arrays.stream(values()).filter(step -> step.order == order).findFirst();
    }
}
