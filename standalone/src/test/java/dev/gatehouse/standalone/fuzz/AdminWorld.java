package dev.gatehouse.standalone.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one operation is fuzzed against, made fresh through the admin API itself so that no
 * operation inherits what fuzzing the one before did: a target tenant with a tenant admin (also
 * publisher), a developer and a key to revoke or rotate; another tenant with its own tenant admin
 * and key; a model of the target tenant that needs approval, with a backend on the built-in chat
 * simulator, and the other tenant's pending subscription to it.
 */
final class AdminWorld {

    static final String INVALID_KEY = "gatehouse_kaaaaaaaaaaaaaaaa_" + "x".repeat(43);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Map<String, String> fixtures;
    private final Map<String, String> tokens;

    private AdminWorld(Map<String, String> fixtures, Map<String, String> tokens) {
        this.fixtures = fixtures;
        this.tokens = tokens;
    }

    static AdminWorld create(URI base, String platformAdminToken, String prefix, URI chatBackend) {
        Setup setup = new Setup(base, platformAdminToken);
        String target = prefix + "-target";
        String other = prefix + "-other";
        String model = prefix + "-model";
        setup.post("/admin/v1/tenants", "{\"slug\":\"" + target + "\",\"display_name\":\"Fuzz target\"}");
        setup.post("/admin/v1/tenants", "{\"slug\":\"" + other + "\",\"display_name\":\"Fuzz other\"}");
        JsonNode tenantAdmin = setup.key(target, "[\"tenant-admin\",\"publisher\"]");
        JsonNode developer = setup.key(target, "[\"developer\"]");
        JsonNode victim = setup.key(target, "[\"developer\"]");
        JsonNode otherAdmin = setup.key(other, "[\"tenant-admin\"]");
        setup.post("/admin/v1/catalog/models", "{\"id\":\"" + model + "\",\"kind\":\"chat\",\"display_name\":\"Fuzz model\",\"owner_tenant\":\""
                + target + "\",\"approval_required\":true,\"pricing\":{\"input_per_million_tokens\":1,\"output_per_million_tokens\":2}}");
        JsonNode backend = setup.post("/admin/v1/catalog/models/" + model + "/backends",
                "{\"base_url\":\"" + chatBackend + "\",\"upstream_model\":\"chat-simulator\",\"region\":\"eu-west\"}");
        setup.post("/admin/v1/tenants/" + other + "/subscriptions", "{\"model\":\"" + model + "\"}");

        Map<String, String> fixtures = new LinkedHashMap<>();
        fixtures.put("target", target);
        fixtures.put("other", other);
        fixtures.put("model", model);
        fixtures.put("backend", backend.get("id").asText());
        fixtures.put("victim-key", victim.get("key_id").asText());
        fixtures.put("other-key", otherAdmin.get("key_id").asText());
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("platform-admin", platformAdminToken);
        tokens.put("tenant-admin", tenantAdmin.get("token").asText());
        tokens.put("other-tenant-admin", otherAdmin.get("token").asText());
        tokens.put("developer", developer.get("token").asText());
        tokens.put("invalid", INVALID_KEY);
        return new AdminWorld(fixtures, tokens);
    }

    /** Fixture values by placeholder name. */
    Map<String, String> fixtures() {
        return fixtures;
    }

    /** The credential's token, or null for {@code none}. */
    String token(String credential) {
        return tokens.get(credential);
    }

    private record Setup(URI base, String token) {

        JsonNode key(String tenant, String roles) {
            return post("/admin/v1/tenants/" + tenant + "/api-keys", "{\"name\":\"fuzz\",\"roles\":" + roles + "}");
        }

        JsonNode post(String path, String body) {
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    throw new IllegalStateException("setting up the fuzz fixtures, " + path + " answered " + response.statusCode() + ": " + response.body());
                }
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new IllegalStateException("setting up the fuzz fixtures, " + path + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
