package dev.gatehouse.deploy;

import dev.gatehouse.testing.TestTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Helm chart, as a cluster would receive it: it lints cleanly, renders with the example values
 * in {@code ci/}, every object it renders is valid against the Kubernetes API schemas (kubeconform,
 * strict, offline), and the objects say what the operations contract requires.
 */
class HelmChartTest {

    static final String KUBERNETES_VERSION = "1.34.0";
    private static final Path CHART = Path.of("helm", "gatehouse");
    private static final int MANAGEMENT_PORT = 8081;

    private static Path helm;
    private static Path kubeconform;
    private static Path schemas;

    @TempDir
    Path workDir;

    @BeforeAll
    static void findTools() {
        helm = TestTools.installed("bin/helm");
        kubeconform = TestTools.installed("bin/kubeconform");
        schemas = TestTools.installed("kubernetes-schemas/v" + KUBERNETES_VERSION + "-local-strict");
    }

    @ParameterizedTest
    @ValueSource(strings = {"minimal-values.yaml", "full-values.yaml"})
    void lintsCleanly(String values) throws Exception {
        Command lint = helm("lint", "--strict", CHART.toString(), "--kube-version", KUBERNETES_VERSION,
                "--values", CHART.resolve("ci").resolve(values).toString());

        assertThat(lint.succeeded()).as(lint.output()).isTrue();
        assertThat(lint.output()).contains("0 chart(s) failed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"minimal-values.yaml", "full-values.yaml"})
    void rendersOnlyObjectsValidAgainstTheKubernetesSchemas(String values) throws Exception {
        Path rendered = render(values);

        Command validation = validate(rendered);

        assertThat(validation.succeeded()).as(validation.output()).isTrue();
        assertThat(validation.output()).contains("Invalid: 0, Errors: 0, Skipped: 0");
    }

    @Test
    void schemaValidationCatchesAMisspelledField() throws Exception {
        Path broken = workDir.resolve("broken.yaml");
        Files.writeString(broken, Files.readString(render("minimal-values.yaml"))
                .replace("readOnlyRootFilesystem:", "readOnlyRootFileSystem:"));

        Command validation = validate(broken);

        assertThat(validation.succeeded()).isFalse();
        assertThat(validation.output()).contains("additional properties 'readOnlyRootFileSystem' not allowed");
    }

    @Test
    void runsTheGatewayAutoscaledAndDisruptionBudgetedAndTheControlPlaneApart() throws Exception {
        List<Map<String, Object>> objects = objects(render("minimal-values.yaml"));

        Map<String, Object> gateway = object(objects, "Deployment", "release-gatehouse-gateway");
        Map<String, Object> controlPlane = object(objects, "Deployment", "release-gatehouse-control-plane");
        assertThat(env(container(gateway, "gateway"))).containsEntry("GATEHOUSE_MODE", "gateway");
        assertThat(env(container(controlPlane, "control-plane"))).containsEntry("GATEHOUSE_MODE", "control-plane");
        assertThat(env(container(gateway, "gateway"))).doesNotContainKeys("GATEHOUSE_KEYCLOAK_ADMIN_USERNAME", "GATEHOUSE_KEYCLOAK_ADMIN_PASSWORD");
        assertThat(variables(container(gateway, "gateway"))).anySatisfy(variable -> assertThat(variable)
                .containsEntry("name", "GATEHOUSE_LIMITS_REDIS_URL")
                .containsEntry("valueFrom", Map.of("secretKeyRef", Map.of("name", "gatehouse-redis", "key", "url"))));
        assertThat(env(container(controlPlane, "control-plane"))).as("the rate limits are the gateways' alone")
                .doesNotContainKey("GATEHOUSE_LIMITS_REDIS_URL");

        Map<String, Object> autoscaler = object(objects, "HorizontalPodAutoscaler", "release-gatehouse-gateway");
        assertThat(at(autoscaler, "spec", "scaleTargetRef", "name")).isEqualTo("release-gatehouse-gateway");
        assertThat(at(gateway, "spec", "replicas")).as("the autoscaler owns the replica count").isNull();
        Map<String, Object> budget = object(objects, "PodDisruptionBudget", "release-gatehouse-gateway");
        assertThat(podLabels(gateway)).containsAllEntriesOf(mapAt(budget, "spec", "selector", "matchLabels"));
        assertThat(podLabels(controlPlane).get("app.kubernetes.io/component"))
                .isNotEqualTo(mapAt(budget, "spec", "selector", "matchLabels").get("app.kubernetes.io/component"));
    }

    @Test
    void setsOnlyVariablesTheApplicationReads() throws Exception {
        for (Map<String, Object> deployment : deployments(objects(render("full-values.yaml")))) {
            Map<String, Object> application = containers(deployment).get(0);
            assertThat(DocumentedSettings.unread(variables(application).stream().map(variable -> (String) variable.get("name")).toList())).as(at(deployment, "metadata", "name") + ": not in docs/configuration.md")
                    .isEmpty();
        }
    }

    @Test
    void probesTheManagementPortAndLeavesTimeForAGracefulStop() throws Exception {
        for (Map<String, Object> deployment : deployments(objects(render("minimal-values.yaml")))) {
            Map<String, Object> container = containers(deployment).get(0);
            assertThat(env(container)).containsEntry("GATEHOUSE_MANAGEMENT_PORT", String.valueOf(MANAGEMENT_PORT));
            assertThat(list(container, "ports")).anySatisfy(port -> {
                assertThat(port).containsEntry("name", "management").containsEntry("containerPort", MANAGEMENT_PORT);
            });
            assertThat(at(container, "livenessProbe", "httpGet")).isEqualTo(Map.of("path", "/actuator/health/liveness", "port", "management"));
            assertThat(at(container, "readinessProbe", "httpGet")).isEqualTo(Map.of("path", "/actuator/health/readiness", "port", "management"));

            int grace = Integer.parseInt(env(container).get("GATEHOUSE_SHUTDOWN_GRACE_PERIOD").replace("s", ""));
            int preStop = (Integer) at(container, "lifecycle", "preStop", "sleep", "seconds");
            int writersFlush = 10;
            assertThat((Integer) at(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds"))
                    .isGreaterThan(preStop + grace + writersFlush);
        }
    }

    @Test
    void takesEveryCredentialFromASecretAndRunsNonRootWithLimitedResources() throws Exception {
        for (Map<String, Object> deployment : deployments(objects(render("full-values.yaml")))) {
            assertThat(mapAt(deployment, "spec", "template", "spec", "securityContext")).containsEntry("runAsNonRoot", true);
            for (Map<String, Object> container : containers(deployment)) {
                assertThat(mapAt(container, "securityContext"))
                        .containsEntry("allowPrivilegeEscalation", false).containsEntry("readOnlyRootFilesystem", true);
                assertThat(mapAt(container, "resources", "requests")).containsKeys("cpu", "memory");
                assertThat(mapAt(container, "resources", "limits")).containsKey("memory");
                for (Map<String, Object> variable : variables(container)) {
                    String name = (String) variable.get("name");
                    if (name.matches(".*(PASSWORD|USERNAME|SECRET_ID|ROLE_ID|TOKEN|REDIS_URL)")) {
                        assertThat(variable).as(name).doesNotContainKey("value");
                        assertThat(at(variable, "valueFrom", "secretKeyRef", "name")).as(name).isNotNull();
                    }
                }
            }
        }
    }

    @Test
    void servesThePolicyBundleFromAnOpaSidecarAndTheCatalogFromAConfigMapToTheControlPlane() throws Exception {
        List<Map<String, Object>> objects = objects(render("full-values.yaml"));
        Map<String, Object> gateway = object(objects, "Deployment", "release-gatehouse-gateway");
        Map<String, Object> controlPlane = object(objects, "Deployment", "release-gatehouse-control-plane");

        Map<String, Object> opa = container(gateway, "opa");
        assertThat(strings(opa, "args")).containsSequence("--bundle", "/policy/bundle.tar.gz").contains("--addr=127.0.0.1:8181");
        assertThat(env(container(gateway, "gateway"))).containsEntry("GATEHOUSE_POLICY_OPA_URL", "http://127.0.0.1:8181");
        assertThat(volumes(gateway)).containsEntry("policy", Map.of("configMap", Map.of("name", "gatehouse-policy")));

        Map<String, Object> catalog = object(objects, "ConfigMap", "release-gatehouse-catalog");
        assertThat((String) mapAt(catalog, "data").get("catalog.yaml")).contains("id: llama-3.1-70b");
        assertThat(volumes(controlPlane)).containsEntry("catalog", Map.of("configMap", Map.of("name", "release-gatehouse-catalog")));
        assertThat(env(container(controlPlane, "control-plane")))
                .containsEntry("GATEHOUSE_CATALOG_FILE", "/etc/gatehouse/catalog/catalog.yaml")
                .doesNotContainKey("LLAMA_EU_TOKEN");
        assertThat(variables(container(controlPlane, "control-plane"))).anySatisfy(variable -> assertThat(variable)
                .containsEntry("name", "LLAMA_EU_TOKEN")
                .containsEntry("valueFrom", Map.of("secretKeyRef", Map.of("name", "gpu-credentials", "key", "llama-eu"))));
        assertThat(volumes(gateway)).as("gateways read the catalog from the database").doesNotContainKey("catalog");
        assertThat(env(container(gateway, "gateway"))).doesNotContainKey("GATEHOUSE_CATALOG_FILE");
    }

    @Test
    void isolatesEachPlaneWithANetworkPolicy() throws Exception {
        List<Map<String, Object>> objects = objects(render("minimal-values.yaml"));

        for (String plane : List.of("gateway", "control-plane")) {
            Map<String, Object> policy = object(objects, "NetworkPolicy", "release-gatehouse-" + plane);
            Map<String, Object> deployment = object(objects, "Deployment", "release-gatehouse-" + plane);
            assertThat(podLabels(deployment)).containsAllEntriesOf(mapAt(policy, "spec", "podSelector", "matchLabels"));
            assertThat(strings(policy, "spec", "policyTypes")).containsExactly("Ingress", "Egress");
        }
    }

    @Test
    void refusesToRenderWithoutVaultSinceReplicasMustShareTenantKeys() throws Exception {
        Command template = helm("template", "release", CHART.toString(), "--kube-version", KUBERNETES_VERSION,
                "--set", "postgresql.url=jdbc:postgresql://db:5432/gatehouse");

        assertThat(template.succeeded()).isFalse();
        assertThat(template.output()).contains("vault.url is required");
    }

    @Test
    void refusesAMisspelledValueAndARootSecurityContext() throws Exception {
        Command misspelled = helm("template", "release", CHART.toString(), "--kube-version", KUBERNETES_VERSION,
                "--values", CHART.resolve("ci").resolve("minimal-values.yaml").toString(), "--set", "gateway.replica=5");
        Command root = helm("template", "release", CHART.toString(), "--kube-version", KUBERNETES_VERSION,
                "--values", CHART.resolve("ci").resolve("minimal-values.yaml").toString(), "--set", "podSecurityContext.runAsNonRoot=false");

        assertThat(misspelled.succeeded()).isFalse();
        assertThat(misspelled.output()).contains("additional properties 'replica' not allowed");
        assertThat(root.succeeded()).isFalse();
        assertThat(root.output()).contains("/podSecurityContext/runAsNonRoot");
    }

    private Path render(String values) throws Exception {
        Command template = helm("template", "release", CHART.toString(), "--kube-version", KUBERNETES_VERSION,
                "--values", CHART.resolve("ci").resolve(values).toString());
        assertThat(template.succeeded()).as(template.output()).isTrue();
        Path rendered = workDir.resolve(values.replace("values", "rendered"));
        Files.writeString(rendered, template.output());
        return rendered;
    }

    /** kubeconform, strict (no unknown fields), against the schemas installed beside it: nothing is fetched. */
    private static Command validate(Path manifests) throws Exception {
        return Command.run(Path.of("."), List.of(kubeconform.toString(), "-strict", "-summary",
                "-kubernetes-version", KUBERNETES_VERSION,
                "-schema-location", schemas.getParent() + "/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json",
                manifests.toString()));
    }

    private static Command helm(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(helm.toString()));
        command.addAll(List.of(arguments));
        return Command.run(Path.of("."), command);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> objects(Path rendered) throws Exception {
        return StreamSupport.stream(new Yaml().loadAll(Files.readString(rendered)).spliterator(), false)
                .filter(Objects::nonNull).map(object -> (Map<String, Object>) object).toList();
    }

    private static Map<String, Object> object(List<Map<String, Object>> objects, String kind, String name) {
        return objects.stream().filter(object -> kind.equals(object.get("kind")) && name.equals(at(object, "metadata", "name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
    }

    private static List<Map<String, Object>> deployments(List<Map<String, Object>> objects) {
        List<Map<String, Object>> deployments = objects.stream().filter(object -> "Deployment".equals(object.get("kind"))).toList();
        assertThat(deployments).hasSize(2);
        return deployments;
    }

    private static List<Map<String, Object>> containers(Map<String, Object> deployment) {
        return list(deployment, "spec", "template", "spec", "containers");
    }

    private static Map<String, Object> container(Map<String, Object> deployment, String name) {
        return containers(deployment).stream().filter(container -> name.equals(container.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    /** The container's plain environment variables (those from Secrets have no value here). */
    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> values = new java.util.HashMap<>();
        for (Map<String, Object> variable : variables(container)) {
            if (variable.get("value") != null) {
                values.put((String) variable.get("name"), String.valueOf(variable.get("value")));
            }
        }
        return values;
    }

    /** The container's environment variables; a container may have none (the OPA sidecar). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> variables(Map<String, Object> container) {
        return (List<Map<String, Object>>) container.getOrDefault("env", List.of());
    }

    private static Map<String, Object> volumes(Map<String, Object> deployment) {
        Map<String, Object> volumes = new java.util.HashMap<>();
        for (Map<String, Object> volume : list(deployment, "spec", "template", "spec", "volumes")) {
            Map<String, Object> source = new java.util.HashMap<>(volume);
            volumes.put((String) source.remove("name"), source);
        }
        return volumes;
    }

    private static Map<String, Object> podLabels(Map<String, Object> deployment) {
        return mapAt(deployment, "spec", "template", "metadata", "labels");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapAt(Map<String, Object> object, String... path) {
        return (Map<String, Object>) Objects.requireNonNull(at(object, path), String.join(".", path));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> object, String... path) {
        return (List<Map<String, Object>>) Objects.requireNonNull(at(object, path), String.join(".", path));
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> object, String... path) {
        return (List<String>) Objects.requireNonNull(at(object, path), String.join(".", path));
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> object, String... path) {
        Object current = object;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = ((Map<String, Object>) map).get(key);
        }
        return current;
    }
}
