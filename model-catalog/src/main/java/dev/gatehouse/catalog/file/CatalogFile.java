package dev.gatehouse.catalog.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.CatalogModel;
import dev.gatehouse.catalog.CatalogRepository;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.UpstreamCredential;
import dev.gatehouse.catalog.admin.BackendRequests;
import dev.gatehouse.catalog.admin.ModelRequests;
import dev.gatehouse.problem.ApiProblem;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The operator's declarative catalog ({@code --gatehouse.catalog.file=catalog.yaml}): models with
 * their backends, and default subscriptions, applied idempotently at every start (GitOps). Each
 * model is read by the same rules as the admin API; credentials are references to an environment
 * variable or a Vault secret, never inline. The whole file is checked before anything is applied,
 * and the first problem stops the start with the file's name and line.
 *
 * <pre>
 * models:
 *   - id: llama-3.1-70b
 *     kind: chat
 *     display_name: Llama 3.1 70B Instruct
 *     pricing: {input_per_million_tokens: 0.5, output_per_million_tokens: 1.5}
 *     backends:
 *       - id: llama-eu-1
 *         base_url: https://gpu-eu.example.com/v1
 *         upstream_model: meta-llama/Llama-3.1-70B-Instruct
 *         region: eu-west
 *         credential: {type: bearer, from_env: LLAMA_EU_TOKEN}
 *     fallback_models: [llama-3.1-8b]     # declared in this file too
 * subscriptions:
 *   - {tenant: default, model: llama-3.1-70b}
 * </pre>
 */
public final class CatalogFile {

    private static final Set<String> TOP_LEVEL = Set.of("models", "subscriptions");
    private static final Set<String> SUBSCRIPTION_FIELDS = Set.of("tenant", "model");
    private static final Set<String> CREDENTIAL_FIELDS = Set.of("type", "header", "from_env", "from_vault");

    /** A subscription the file declares: active, without the publisher's approval (the operator speaks for the platform). */
    public record DeclaredSubscription(UUID tenant, String model) {
    }

    /** A checked catalog file, ready to apply. */
    public record Declared(List<CatalogModel> models, List<DeclaredSubscription> subscriptions) {

        /** Saves every declared model with exactly its declared backends, then the subscriptions; repeatable. */
        public void applyTo(CatalogRepository repository) {
            models.forEach(repository::declare);
            subscriptions.forEach(subscription -> repository.subscribe(subscription.tenant(), subscription.model()));
        }
    }

    private final String name;
    private final YamlTree tree;
    private final BackendUrlPolicy urls;
    private final SecretReferences secrets;
    private final Function<String, UUID> tenantBySlug;
    private final Instant now;

    private CatalogFile(String name, YamlTree tree, BackendUrlPolicy urls, SecretReferences secrets, Function<String, UUID> tenantBySlug,
                        Instant now) {
        this.name = name;
        this.tree = tree;
        this.urls = urls;
        this.secrets = secrets;
        this.tenantBySlug = tenantBySlug;
        this.now = now;
    }

    public static Declared read(Path file, BackendUrlPolicy urls, SecretReferences secrets, Function<String, UUID> tenantBySlug, Instant now) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString(), urls, secrets, tenantBySlug, now);
        } catch (IOException e) {
            throw new CatalogFileException(file + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    public static Declared read(Reader reader, String name, BackendUrlPolicy urls, SecretReferences secrets,
                                Function<String, UUID> tenantBySlug, Instant now) {
        return new CatalogFile(name, YamlTree.read(reader, name), urls, secrets, tenantBySlug, now).check();
    }

    private Declared check() {
        JsonNode root = tree.root();
        if (!root.isObject()) {
            throw problem("", "the catalog file must be a mapping with 'models' and 'subscriptions'");
        }
        for (Iterator<String> fields = root.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!TOP_LEVEL.contains(field)) {
                throw problem(field, "unknown key '" + field + "'; a catalog file has 'models' and 'subscriptions'");
            }
        }
        List<CatalogModel> models = new ArrayList<>();
        Set<String> modelIds = new HashSet<>();
        Set<String> backendIds = new HashSet<>();
        for (int index = 0; index < list(root, "models").size(); index++) {
            CatalogModel model = model(list(root, "models").get(index), "models[" + index + "]");
            if (!modelIds.add(model.id())) {
                throw problem("models[" + index + "].id", "the model '" + model.id() + "' is declared twice");
            }
            for (ModelBackend backend : model.backends()) {
                if (!backendIds.add(backend.id())) {
                    throw problem("models[" + index + "].backends", "the backend id '" + backend.id() + "' is declared twice");
                }
            }
            models.add(model);
        }
        Map<String, CatalogModel> byId = new HashMap<>();
        models.forEach(model -> byId.put(model.id(), model));
        for (int index = 0; index < models.size(); index++) {
            CatalogModel model = models.get(index);
            withLine("models[" + index + "]", () -> {
                ModelRequests.checkFallbacks(model, id -> Optional.ofNullable(byId.get(id)));
                return model;
            });
        }
        List<DeclaredSubscription> subscriptions = new ArrayList<>();
        for (int index = 0; index < list(root, "subscriptions").size(); index++) {
            subscriptions.add(subscription(list(root, "subscriptions").get(index), "subscriptions[" + index + "]", modelIds));
        }
        return new Declared(fallbacksFirst(models, byId), List.copyOf(subscriptions));
    }

    /** The models in an order that saves each model's fallbacks before it (the file's fallbacks form no cycle). */
    private static List<CatalogModel> fallbacksFirst(List<CatalogModel> models, Map<String, CatalogModel> byId) {
        Set<String> placed = new LinkedHashSet<>();
        models.forEach(model -> place(model, byId, placed));
        return placed.stream().map(byId::get).toList();
    }

    private static void place(CatalogModel model, Map<String, CatalogModel> byId, Set<String> placed) {
        if (placed.contains(model.id())) {
            return;
        }
        model.fallbackModels().forEach(fallback -> place(byId.get(fallback), byId, placed));
        placed.add(model.id());
    }

    private CatalogModel model(JsonNode node, String path) {
        if (!node.isObject()) {
            throw problem(path, "each model must be a mapping");
        }
        ObjectNode fields = ((ObjectNode) node).deepCopy();
        JsonNode backends = fields.remove("backends");
        JsonNode owner = fields.remove("owner_tenant");
        UUID ownerTenant = null;
        if (owner != null && !owner.isNull()) {
            ownerTenant = owner.isTextual() ? tenantBySlug.apply(owner.asText()) : null;
            if (ownerTenant == null) {
                throw problem(path + ".owner_tenant", "'owner_tenant' names no tenant");
            }
        }
        rejectUnknown(fields, path, ModelRequests.FIELDS);
        CatalogModel model = withLine(path, () -> ModelRequests.create(fields,
                new ModelRequests.Context(null, "gatehouse", tenantBySlug, now)));
        List<ModelBackend> declared = new ArrayList<>();
        JsonNode backendList = backends == null || backends.isNull() ? JsonNodeFactory.instance.arrayNode() : backends;
        if (!backendList.isArray()) {
            throw problem(path + ".backends", "'backends' must be a list");
        }
        for (int index = 0; index < backendList.size(); index++) {
            declared.add(backend(backendList.get(index), path + ".backends[" + index + "]", model.id()));
        }
        return new CatalogModel(model.id(), model.kind(), ownerTenant, model.description(), model.compliance(), model.lifecycle(),
                model.access(), model.prices(), model.simulator(), model.createdAt(), declared, model.fallbackModels());
    }

    private ModelBackend backend(JsonNode node, String path, String modelId) {
        if (!node.isObject() || !node.has("id")) {
            throw problem(path, "each backend must be a mapping with an 'id' (stable across applications of the file)");
        }
        rejectUnknown(node, path, BackendRequests.FIELDS);
        return withLine(path, () -> BackendRequests.create(node, modelId, null, urls, credential -> referencedCredential(credential, path)));
    }

    private UpstreamCredential referencedCredential(JsonNode credential, String backendPath) {
        String path = backendPath + ".credential";
        credential.fieldNames().forEachRemaining(field -> {
            if (field.equals("token") || field.equals("key")) {
                throw problem(path + "." + field, "a catalog file never holds a secret: give 'from_env: VARIABLE' or 'from_vault: path#field'");
            }
            if (!CREDENTIAL_FIELDS.contains(field)) {
                throw problem(path + "." + field, "unknown key '" + field + "'; a credential has type, header, from_env or from_vault");
            }
        });
        UpstreamCredential.Scheme scheme;
        try {
            scheme = UpstreamCredential.Scheme.fromCode(credential.path("type").asText());
        } catch (IllegalArgumentException e) {
            throw problem(path + ".type", "'type' must be bearer or api_key");
        }
        String secret = secret(credential, path);
        JsonNode header = credential.get("header");
        ObjectNode inline = JsonNodeFactory.instance.objectNode().put("type", scheme.code()).put(scheme == UpstreamCredential.Scheme.BEARER ? "token" : "key", secret);
        if (header != null) {
            inline.set("header", header);
        }
        return withLine(path, () -> BackendRequests.inlineCredential(inline));
    }

    private String secret(JsonNode credential, String path) {
        boolean fromEnvironment = credential.hasNonNull("from_env");
        boolean fromVault = credential.hasNonNull("from_vault");
        if (fromEnvironment == fromVault) {
            throw problem(path, "a credential names exactly one of 'from_env' or 'from_vault'");
        }
        if (fromEnvironment) {
            String variable = credential.get("from_env").asText();
            return secrets.environmentVariable(variable)
                    .orElseThrow(() -> problem(path + ".from_env", "the environment variable " + variable + " is not set"));
        }
        String reference = credential.get("from_vault").asText();
        int hash = reference.lastIndexOf('#');
        if (hash <= 0 || hash == reference.length() - 1) {
            throw problem(path + ".from_vault", "'from_vault' must be path#field, such as secret/data/gpu-backends#token");
        }
        try {
            return secrets.vault(reference.substring(0, hash), reference.substring(hash + 1))
                    .orElseThrow(() -> problem(path + ".from_vault", "Vault has no field '" + reference.substring(hash + 1)
                            + "' at " + reference.substring(0, hash)));
        } catch (IllegalStateException e) {
            throw problem(path + ".from_vault", e.getMessage());
        }
    }

    private DeclaredSubscription subscription(JsonNode node, String path, Set<String> declaredModels) {
        if (!node.isObject()) {
            throw problem(path, "each subscription must be a mapping with 'tenant' and 'model'");
        }
        rejectUnknown(node, path, SUBSCRIPTION_FIELDS);
        UUID tenant = tenantBySlug.apply(node.path("tenant").asText());
        if (tenant == null) {
            throw problem(path + ".tenant", "'tenant' names no tenant");
        }
        String model = node.path("model").asText();
        if (!declaredModels.contains(model)) {
            throw problem(path + ".model", "'model' must be one of the models this file declares");
        }
        return new DeclaredSubscription(tenant, model);
    }

    private List<JsonNode> list(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw problem(field, "'" + field + "' must be a list");
        }
        List<JsonNode> entries = new ArrayList<>();
        value.forEach(entries::add);
        return entries;
    }

    private void rejectUnknown(JsonNode node, String path, Set<String> allowed) {
        node.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                throw problem(path + "." + field, "unknown key '" + field + "'");
            }
        });
    }

    /** Runs a reader of the admin API's rules and reports its refusal at the line of the field it names. */
    private <T> T withLine(String path, Supplier<T> read) {
        try {
            return read.get();
        } catch (ApiProblem refused) {
            String field = refused.param() == null ? "" : "." + refused.param();
            throw problem(path + field, refused.getMessage());
        } catch (IllegalArgumentException refused) {
            throw problem(path, refused.getMessage());
        }
    }

    private CatalogFileException problem(String path, String message) {
        return new CatalogFileException(name + ":" + tree.lineOf(path) + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }
}
