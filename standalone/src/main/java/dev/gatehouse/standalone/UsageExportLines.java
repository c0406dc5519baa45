package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.metering.UsageRecord;
import dev.gatehouse.tenant.admin.AdminRequests;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One exported call as a line of CSV (RFC 4180) or of JSON Lines. CSV cells that a spreadsheet
 * would take for a formula (leading {@code = + - @}) are prefixed with an apostrophe, so that an
 * export opened in a spreadsheet never runs what a caller put into an id; JSON Lines are exact.
 */
final class UsageExportLines {

    private static final List<Character> FORMULA_STARTS = List.of('=', '+', '-', '@');

    private UsageExportLines() {
    }

    static String csv(UsageRecord record) {
        return Stream.of(text(record.callId()), text(record.requestId()), record.occurredAt().toString(), text(record.keyId()),
                        text(record.modelId()), text(record.endpoint()), text(record.backendId()), text(record.region()),
                        String.valueOf(record.status()), String.valueOf(record.streamed()),
                        String.valueOf(record.tokens().promptTokens()), String.valueOf(record.tokens().completionTokens()),
                        String.valueOf(record.tokens().reportedByBackend()), record.countedWith() == null ? "" : text(record.countedWith()),
                        record.cost().toPlainString(), String.valueOf(record.latencyMillis()),
                        record.firstTokenMillis() == null ? "" : String.valueOf(record.firstTokenMillis()))
                .collect(Collectors.joining(",", "", "\n"));
    }

    static String jsonLine(UsageRecord record) {
        ObjectNode line = AdminRequests.JSON.createObjectNode()
                .put("call_id", record.callId())
                .put("request_id", record.requestId())
                .put("occurred_at", record.occurredAt().toString())
                .put("key_id", record.keyId())
                .put("model_id", record.modelId())
                .put("endpoint", record.endpoint())
                .put("backend_id", record.backendId())
                .put("region", record.region())
                .put("status", record.status())
                .put("streamed", record.streamed())
                .put("prompt_tokens", record.tokens().promptTokens())
                .put("completion_tokens", record.tokens().completionTokens())
                .put("usage_reported", record.tokens().reportedByBackend())
                .put("counted_with", record.countedWith())
                .put("cost", record.cost())
                .put("latency_ms", record.latencyMillis())
                .put("first_token_ms", record.firstTokenMillis());
        return line + "\n";
    }

    private static String text(String value) {
        String safe = !value.isEmpty() && FORMULA_STARTS.contains(value.charAt(0)) ? "'" + value : value;
        if (safe.chars().anyMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
