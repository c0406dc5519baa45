package dev.gatehouse.gateway.filter;

import dev.gatehouse.gateway.CallContext;
import dev.gatehouse.gateway.GatewayStep;
import dev.gatehouse.gateway.WorkerPools;
import dev.gatehouse.gateway.inspection.ComplianceVocabulary;
import dev.gatehouse.gateway.inspection.PromptInspection;
import dev.gatehouse.gateway.inspection.PromptMessages;
import dev.gatehouse.problem.ApiProblem;
import dev.gatehouse.problem.ProblemType;
import dev.gatehouse.scanner.Finding;
import dev.gatehouse.scanner.PromptScanner;
import dev.gatehouse.scanner.ScanAction;
import dev.gatehouse.scanner.ScanPolicy;
import dev.gatehouse.scanner.ScanResult;
import dev.gatehouse.scanner.ScannedMessage;
import dev.gatehouse.scanner.Verdict;
import dev.gatehouse.tenant.compliance.ComplianceProfile;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Step 4: scans every text the model would see for prompt injection and personal data, and acts
 * on injections as the tenant chose: block (the call never reaches a backend), flag (response
 * headers and audit mark) or log only. Personal data and special categories, detected or declared
 * in {@code X-Gatehouse-Special-Categories}, are handed to the policy step. The messages' text
 * leaves the gateway for scanning only to a classifier backend in one of the tenant's residency
 * regions. Scans run on the scan pool; a request the scanner already knows is judged on the
 * calling thread.
 */
public final class PromptInspectionFilter implements GlobalFilter, Ordered {

    public static final String DECLARED_SPECIAL_CATEGORIES = "X-Gatehouse-Special-Categories";
    public static final String FLAGS_HEADER = "X-Gatehouse-Flags";
    public static final String INJECTION_SCORE_HEADER = "X-Gatehouse-Injection-Score";

    private final PromptScanner scanner;
    private final Scheduler scanThreads;

    public PromptInspectionFilter(PromptScanner scanner, Scheduler scanThreads) {
        this.scanner = scanner;
        this.scanThreads = scanThreads;
    }

    @Override
    public int getOrder() {
        return GatewayStep.PROMPT_INSPECTION.order();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        CallContext context = CallContext.of(exchange);
        if (!context.endpoint().callsModel()) {
            return chain.filter(exchange);
        }
        Set<String> declared = declaredSpecialCategories(exchange.getRequest().getHeaders().getFirst(DECLARED_SPECIAL_CATEGORIES));
        List<ScannedMessage> messages = PromptMessages.extract(context.endpoint(), context.body());
        // the scan's findings are inputs of the policy decision, so the decision's regions are not known yet: the
        // tenant's residency regions are the ones it can allow at most, as for any backend (decision 0761)
        Set<String> residency = context.tenant().settings().residencyRegions();
        // a request whose every message was scanned before is judged here, without the hand-off to a scan thread
        Mono<ScanResult> scanned = scanner.remembered(messages).map(Mono::just)
                .orElseGet(() -> WorkerPools.on(scanThreads, Mono.fromCallable(() -> scanner.scan(messages, residency)), "prompt scans"));
        return scanned.flatMap(scan -> {
            ComplianceProfile profile = context.complianceProfile();
            Verdict verdict = new ScanPolicy(profile.injectionThreshold(), action(profile.injectionAction())).judge(scan);
            context.inspection(inspectionOf(scan, verdict, declared));
            if (verdict.blocks()) {
                return Mono.error(new ApiProblem(ProblemType.PROMPT_INJECTION_BLOCKED,
                        "The request looks like a prompt injection (score " + score(verdict.score())
                                + "); it was not sent to the model.")
                        .with("findings", findingsOf(verdict.reasons())));
            }
            if (verdict.flags()) {
                exchange.getResponse().beforeCommit(() -> {
                    exchange.getResponse().getHeaders().set(FLAGS_HEADER, "prompt-injection");
                    exchange.getResponse().getHeaders().set(INJECTION_SCORE_HEADER, score(verdict.score()));
                    return Mono.empty();
                });
            }
            return chain.filter(exchange);
        });
    }

    private static PromptInspection inspectionOf(ScanResult scan, Verdict verdict, Set<String> declared) {
        Set<String> pii = scan.pii().stream().map(ComplianceVocabulary::policyName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> special = scan.specialCategories().stream().map(ComplianceVocabulary::policyName)
                .collect(Collectors.toCollection(TreeSet::new));
        special.addAll(declared);
        return new PromptInspection(scan, verdict, pii, special);
    }

    private static Set<String> declaredSpecialCategories(String header) {
        if (header == null || header.isBlank()) {
            return Set.of();
        }
        Set<String> declared = new TreeSet<>();
        for (String category : header.split(",")) {
            String name = category.strip().toLowerCase(Locale.ROOT);
            if (!ComplianceVocabulary.POLICY_SPECIAL_CATEGORIES.contains(name)) {
                throw new ApiProblem(ProblemType.INVALID_REQUEST, DECLARED_SPECIAL_CATEGORIES + " may only name "
                        + String.join(", ", new TreeSet<>(ComplianceVocabulary.POLICY_SPECIAL_CATEGORIES)) + ".", DECLARED_SPECIAL_CATEGORIES);
            }
            declared.add(name);
        }
        return declared;
    }

    private static List<Map<String, Object>> findingsOf(List<Finding> findings) {
        return findings.stream().map(finding -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("rule", finding.ruleId());
            entry.put("category", finding.category().name().toLowerCase(Locale.ROOT));
            entry.put("message_index", finding.messageIndex());
            entry.put("role", finding.role().name().toLowerCase(Locale.ROOT));
            return entry;
        }).toList();
    }

    private static ScanAction action(String code) {
        return ScanAction.valueOf(code.toUpperCase(Locale.ROOT));
    }

    private static String score(double score) {
        return String.format(Locale.ROOT, "%.3f", score);
    }

    @Override
    public String toString() {
        return "PromptInspection[rules + MiniLM classifier, personal data]";
    }
}
