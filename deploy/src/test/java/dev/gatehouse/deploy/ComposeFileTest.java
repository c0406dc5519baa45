package dev.gatehouse.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.gatehouse.testing.TestTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code compose/docker-compose.yml}, checked as far as it can be without a Docker engine: valid
 * against the Compose Specification's JSON schema (the one docker compose loads), and wired as the
 * distributed deployment needs: both planes on the shared PostgreSQL, Redis, Vault Transit and
 * Keycloak, the gateway on an OPA serving a built bundle, graceful stops.
 */
class ComposeFileTest {

    private static final Path COMPOSE_FILE = Path.of("..", "compose", "docker-compose.yml");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Schema composeSpecification;

    @BeforeAll
    static void loadTheSchema() throws Exception {
        Path schema = TestTools.installed("compose-spec/v2.10.0/compose-spec.json");
        // Its $id is relative (compose_spec.json): it resolves against where the schema was read from.
        composeSpecification = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(SchemaLocation.of(schema.toUri().toString()), Files.readString(schema), InputFormat.JSON);
    }

    @Test
    void isValidAgainstTheComposeSpecification() throws Exception {
        List<Error> errors = validate(Files.readString(COMPOSE_FILE));

        assertThat(errors).isEmpty();
    }

    @Test
    void theSchemaCatchesAMisspelledKey() throws Exception {
        String misspelled = Files.readString(COMPOSE_FILE).replace("stop_grace_period:", "stop_grace_periods:");

        assertThat(validate(misspelled))
                .anySatisfy(error -> assertThat(error.getMessage()).contains("stop_grace_periods"));
    }

    @Test
    void wiresBothPlanesToTheSharedServices() throws Exception {
        Map<String, Map<String, Object>> services = services();

        for (String plane : List.of("gateway", "control-plane")) {
            Map<String, String> environment = environment(services.get(plane));
            assertThat(environment).as(plane)
                    .containsEntry("GATEHOUSE_MODE", plane)
                    .containsEntry("GATEHOUSE_DATABASE_MODE", "external")
                    .containsEntry("GATEHOUSE_DATABASE_URL", "jdbc:postgresql://postgres:5432/gatehouse")
                    .containsEntry("GATEHOUSE_CRYPTO_VAULT_URL", "http://vault:8200")
                    .containsEntry("GATEHOUSE_KEYCLOAK_SERVER_URL", "http://keycloak:8180");
            assertThat(dependencies(services.get(plane))).as(plane).containsKeys("postgres", "vault-transit", "keycloak");
            assertThat(services.get(plane)).as(plane).containsEntry("user", "10001:10001").containsEntry("stop_signal", "SIGTERM");
        }
        assertThat(environment(services.get("gateway")).get("GATEHOUSE_LIMITS_REDIS_URL")).startsWith("redis://").endsWith("@redis:6379");
        assertThat(dependencies(services.get("gateway"))).containsKey("redis");
        assertThat(environment(services.get("control-plane"))).as("the rate limits are the gateways' alone")
                .doesNotContainKey("GATEHOUSE_LIMITS_REDIS_URL");
        assertThat(environment(services.get("control-plane"))).containsKey("GATEHOUSE_KEYCLOAK_ADMIN_PASSWORD");
        assertThat(environment(services.get("gateway"))).doesNotContainKey("GATEHOUSE_KEYCLOAK_ADMIN_PASSWORD");
    }

    @Test
    void setsOnlyVariablesTheApplicationReads() throws Exception {
        Map<String, Map<String, Object>> services = services();

        for (String plane : List.of("gateway", "control-plane")) {
            assertThat(DocumentedSettings.unread(environment(services.get(plane)).keySet()))
                    .as(plane + ": not in docs/configuration.md").isEmpty();
        }
    }

    @Test
    void pointsTheGatewayAtAnOpaServingABundleWithItsRevision() throws Exception {
        Map<String, Map<String, Object>> services = services();

        assertThat(environment(services.get("gateway"))).containsEntry("GATEHOUSE_POLICY_OPA_URL", "http://opa:8181");
        assertThat(services.get("opa").get("command").toString()).contains("--bundle, /policy/bundle.tar.gz");
        assertThat(services.get("opa").get("volumes").toString()).contains("./policy-bundle.tar.gz:/policy/bundle.tar.gz:ro");
        assertThat(Files.readString(COMPOSE_FILE)).contains("policy/scripts/build-policy.sh policy/target/wasm compose/policy-bundle.tar.gz");
    }

    /**
     * As docker compose reads the file: YAML 1.1 with its anchors, aliases and merge keys resolved
     * (SnakeYAML does), then the resulting document against the schema.
     */
    private static List<Error> validate(String composeFile) throws Exception {
        Object document = new Yaml().load(composeFile);
        return composeSpecification.validate(JSON.writeValueAsString(document), InputFormat.JSON);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE_FILE));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(Map<String, Object> service) {
        return (Map<String, String>) service.get("environment");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dependencies(Map<String, Object> service) {
        return (Map<String, Object>) service.get("depends_on");
    }
}
