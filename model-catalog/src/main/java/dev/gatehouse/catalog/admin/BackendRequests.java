package dev.gatehouse.catalog.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.catalog.BackendCapacity;
import dev.gatehouse.catalog.BackendTls;
import dev.gatehouse.catalog.BackendUrlPolicy;
import dev.gatehouse.catalog.ModelBackend;
import dev.gatehouse.catalog.UnsafeBackendUrlException;
import dev.gatehouse.catalog.UpstreamCredential;
import dev.gatehouse.tenant.ProcessingRegions;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.gatehouse.catalog.admin.CatalogFields.invalid;

/**
 * Reads a model backend from the JSON of the admin API and of the declarative catalog file. The
 * base URL must pass the {@link BackendUrlPolicy} (no loopback, link-local or private addresses
 * unless allowed by configuration); PEM material must parse; secrets (the upstream credential and
 * a TLS client key) come in here and are never answered back.
 */
public final class BackendRequests {

    public static final Set<String> FIELDS = Set.of("id", "base_url", "upstream_model", "region", "gpu_type", "gpu_count",
            "max_concurrent_requests", "weight", "connect_timeout_ms", "first_byte_timeout_ms", "idle_timeout_ms", "tls", "credential",
            "serves_responses_api");
    static final Set<String> TLS_FIELDS = Set.of("ca_certificate_pem", "client_certificate_pem", "client_key_pem");
    static final Set<String> CREDENTIAL_FIELDS = Set.of("type", "token", "header", "key");
    private static final Pattern BACKEND_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
    private static final Pattern PRIVATE_KEY_PEM = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END PRIVATE KEY-----");
    private static final int MAX_URL_LENGTH = 2_000;
    private static final int MAX_PEM_LENGTH = 64_000;
    private static final long MAX_TIMEOUT_MS = Duration.ofMinutes(30).toMillis();

    private BackendRequests() {
    }

    /**
     * A new backend of {@code modelId}. {@code credentials} turns the request's {@code credential}
     * object into a credential: the API takes the secret inline, the declarative file by reference.
     */
    public static ModelBackend create(JsonNode body, String modelId, String generatedId, BackendUrlPolicy urls,
                                      Function<JsonNode, UpstreamCredential> credentials) {
        String id = generatedId;
        if (body.has("id")) {
            JsonNode value = body.get("id");
            if (!value.isTextual() || !BACKEND_ID.matcher(value.asText()).matches()) {
                throw invalid("id", "'id' must be 1-128 letters, digits and . _ : @ -, starting with a letter or digit.");
            }
            id = value.asText();
        }
        for (String required : List.of("base_url", "upstream_model", "region")) {
            if (!body.hasNonNull(required)) {
                throw invalid(required, "'" + required + "' is required.");
            }
        }
        return merge(body, new ModelBackend(id, modelId, URI.create("http://unset.invalid"), "unset", "eu-west"), urls, credentials);
    }

    /** The existing backend with the request's fields changed; its id and model cannot change. */
    public static ModelBackend update(JsonNode body, ModelBackend existing, BackendUrlPolicy urls,
                                      Function<JsonNode, UpstreamCredential> credentials) {
        if (body.has("id") && !existing.id().equals(body.get("id").asText())) {
            throw invalid("id", "A backend's id cannot change.");
        }
        return merge(body, existing, urls, credentials);
    }

    /** Reads the API's inline form: {"type":"bearer","token":"..."} or {"type":"api_key","header":"api-key","key":"..."}. */
    public static UpstreamCredential inlineCredential(JsonNode credential) {
        CatalogFields.onlyFields(credential, "credential", CREDENTIAL_FIELDS);
        UpstreamCredential.Scheme scheme;
        try {
            scheme = UpstreamCredential.Scheme.fromCode(credential.path("type").asText(""));
        } catch (IllegalArgumentException e) {
            throw invalid("credential.type", "'credential.type' is required: bearer or api_key.");
        }
        String secretField = scheme == UpstreamCredential.Scheme.BEARER ? "token" : "key";
        JsonNode secret = credential.get(secretField);
        if (secret == null || !secret.isTextual()) {
            throw invalid("credential." + secretField, "'credential." + secretField + "' is required for a " + scheme.code() + " credential.");
        }
        return credential(scheme, credential.path("header").asText(null), secret.asText());
    }

    static UpstreamCredential credential(UpstreamCredential.Scheme scheme, String header, String secret) {
        if (scheme == UpstreamCredential.Scheme.BEARER && header != null) {
            throw invalid("credential.header", "A bearer credential is always sent as 'Authorization: Bearer'; 'header' is for api_key.");
        }
        try {
            return UpstreamCredential.of(scheme, scheme == UpstreamCredential.Scheme.API_KEY && header == null ? "api-key" : header, secret);
        } catch (IllegalArgumentException e) {
            // the message describes the rule, never the secret
            throw invalid("credential", "'credential': " + e.getMessage() + ".");
        }
    }

    private static ModelBackend merge(JsonNode body, ModelBackend base, BackendUrlPolicy urls, Function<JsonNode, UpstreamCredential> credentials) {
        URI baseUrl = body.has("base_url") ? baseUrl(body, urls) : base.baseUrl();
        String upstreamModel = CatalogFields.optionalText(body, "upstream_model", 256, base.upstreamModel());
        if (upstreamModel.isEmpty()) {
            throw invalid("upstream_model", "'upstream_model' must be the model name the backend serves, such as meta-llama/Llama-3.1-8B-Instruct.");
        }
        String region = CatalogFields.optionalText(body, "region", 32, base.region());
        if (!ProcessingRegions.isSupported(region)) {
            throw invalid("region", "'region' must be one of " + new TreeSet<>(ProcessingRegions.SUPPORTED) + ".");
        }
        BackendCapacity capacity = capacity(body, base.capacity());
        BackendTls tls = tls(body, base.tls());
        if (tls.customised() && !"https".equals(baseUrl.getScheme())) {
            throw invalid("tls", "TLS settings need an https base URL.");
        }
        UpstreamCredential credential = base.credential();
        if (body.has("credential")) {
            JsonNode value = body.get("credential");
            credential = value.isNull() ? null : credentials.apply(CatalogFields.optionalObject(body, "credential"));
        }
        boolean servesResponsesApi = CatalogFields.optionalBoolean(body, "serves_responses_api", base.servesResponsesApi());
        return new ModelBackend(base.id(), base.modelId(), baseUrl, upstreamModel, region, capacity, tls, credential, null, servesResponsesApi);
    }

    private static URI baseUrl(JsonNode body, BackendUrlPolicy urls) {
        String text = CatalogFields.optionalText(body, "base_url", MAX_URL_LENGTH, "");
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid("base_url", "'base_url' is not a valid URL.");
        }
        try {
            urls.check(url);
        } catch (UnsafeBackendUrlException e) {
            throw invalid("base_url", "'base_url' is refused: " + e.getMessage());
        }
        return url;
    }

    private static BackendCapacity capacity(JsonNode body, BackendCapacity base) {
        String gpuType = CatalogFields.optionalText(body, "gpu_type", 64, base.gpuType());
        return new BackendCapacity(gpuType == null || gpuType.isEmpty() ? null : gpuType,
                CatalogFields.integer(body, "gpu_count", 0, 4096, base.gpuCount()),
                CatalogFields.integer(body, "max_concurrent_requests", 1, 100_000, base.maxConcurrentRequests()),
                CatalogFields.integer(body, "weight", 1, 10_000, base.weight()),
                Duration.ofMillis(CatalogFields.integer(body, "connect_timeout_ms", 1, MAX_TIMEOUT_MS,
                        Math.toIntExact(base.connectTimeout().toMillis()))),
                Duration.ofMillis(CatalogFields.integer(body, "first_byte_timeout_ms", 1, MAX_TIMEOUT_MS,
                        Math.toIntExact(base.firstByteTimeout().toMillis()))),
                Duration.ofMillis(CatalogFields.integer(body, "idle_timeout_ms", 1, MAX_TIMEOUT_MS,
                        Math.toIntExact(base.idleTimeout().toMillis()))));
    }

    private static BackendTls tls(JsonNode body, BackendTls base) {
        if (!body.has("tls")) {
            return base;
        }
        JsonNode tls = CatalogFields.optionalObject(body, "tls");
        if (tls == null) {
            return BackendTls.DEFAULT;
        }
        CatalogFields.onlyFields(tls, "tls", TLS_FIELDS);
        String ca = pem(tls, "ca_certificate_pem");
        String certificate = pem(tls, "client_certificate_pem");
        String key = pem(tls, "client_key_pem");
        if ((certificate == null) != (key == null)) {
            throw invalid("tls", "A client certificate needs 'client_key_pem', and a key its 'client_certificate_pem'.");
        }
        if (ca != null) {
            requireCertificates(ca, "tls.ca_certificate_pem");
        }
        if (certificate != null) {
            requireCertificates(certificate, "tls.client_certificate_pem");
            requirePrivateKey(key);
        }
        return new BackendTls(ca, certificate, key);
    }

    private static String pem(JsonNode tls, String field) {
        JsonNode value = tls.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().length() > MAX_PEM_LENGTH) {
            throw invalid("tls." + field, "'tls." + field + "' must be PEM text of at most " + MAX_PEM_LENGTH + " characters.");
        }
        return value.asText();
    }

    private static void requireCertificates(String pem, String field) {
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).isEmpty()) {
                throw invalid(field, "'" + field + "' holds no certificate.");
            }
        } catch (CertificateException e) {
            throw invalid(field, "'" + field + "' is not a PEM X.509 certificate.");
        }
    }

    private static void requirePrivateKey(String pem) {
        Matcher matcher = PRIVATE_KEY_PEM.matcher(pem);
        if (!matcher.find()) {
            throw invalid("tls.client_key_pem", "'tls.client_key_pem' must be an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----).");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(matcher.group(1));
        } catch (IllegalArgumentException e) {
            throw invalid("tls.client_key_pem", "'tls.client_key_pem' is not valid base64.");
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                return;
            } catch (GeneralSecurityException notThisAlgorithm) {
                // try the next one
            }
        }
        throw invalid("tls.client_key_pem", "'tls.client_key_pem' is not an RSA, EC or Ed25519 private key.");
    }
}
