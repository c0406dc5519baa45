package dev.gatehouse.standalone;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The portal's sign-in over plain HTTP, where headers and cookies can be read exactly: an API key
 * is exchanged for a session cookie that scripts cannot read and other sites cannot send, the
 * session id changes at sign-in, forms need their CSRF token, and signing out ends the session.
 */
@MarketplaceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalSessionTest {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final Pattern SESSION_COOKIE = Pattern.compile("GATEHOUSE_PORTAL=([^;]+)");

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    private String adminKey;

    @BeforeAll
    void mintKey() {
        adminKey = TestKeys.platformAdminKey(context);
    }

    @Test
    void theRootRedirectsToThePortal() throws Exception {
        HttpResponse<String> answer = get("/", null);

        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.headers().firstValue("Location")).hasValue("/portal/catalog");
    }

    @Test
    void aPageNeedsASignedInSession() throws Exception {
        HttpResponse<String> answer = get("/portal/catalog", null);

        assertThat(answer.statusCode()).isEqualTo(302);
        assertThat(answer.headers().firstValue("Location")).hasValue("/portal/sign-in");
    }

    @Test
    void signingInGivesAStrictHttpOnlyCookieUnderANewSessionId() throws Exception {
        HttpResponse<String> form = get("/portal/sign-in", null);
        String anonymous = sessionOf(form);

        HttpResponse<String> signedIn = post("/portal/sign-in", anonymous, "api_key=" + encode(adminKey) + "&_csrf=" + csrfOf(form));

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/portal/catalog");
        String cookie = signedIn.headers().allValues("Set-Cookie").stream().filter(value -> value.startsWith("GATEHOUSE_PORTAL="))
                .findFirst().orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/portal").doesNotContain("Secure");
        String session = sessionOf(signedIn);
        assertThat(session).isNotEqualTo(anonymous);
        assertThat(get("/portal/catalog", session).statusCode()).isEqualTo(200);
        assertThat(get("/portal/catalog", anonymous).statusCode()).as("the id from before sign-in").isEqualTo(302);
    }

    @Test
    void aWrongKeySignsNobodyIn() throws Exception {
        HttpResponse<String> form = get("/portal/sign-in", null);

        HttpResponse<String> refused = post("/portal/sign-in", sessionOf(form), "api_key=gatehouse_not-a-key&_csrf=" + csrfOf(form));

        assertThat(refused.headers().firstValue("Location")).hasValue("/portal/sign-in?error");
    }

    @Test
    void signInWithoutItsCsrfTokenIsRefused() throws Exception {
        HttpResponse<String> form = get("/portal/sign-in", null);

        HttpResponse<String> refused = post("/portal/sign-in", sessionOf(form), "api_key=" + encode(adminKey));

        assertThat(refused.statusCode()).isEqualTo(403);
    }

    @Test
    void pagesForbidInlineScriptFramingAndCaching() throws Exception {
        HttpResponse<String> page = get("/portal/sign-in", null);

        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(policy).contains("script-src 'self'").contains("style-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(page.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        String session = signIn();
        HttpResponse<String> catalog = get("/portal/catalog", session);

        HttpResponse<String> signedOut = post("/portal/sign-out", session, "_csrf=" + csrfOf(catalog));

        assertThat(signedOut.headers().firstValue("Location")).hasValue("/portal/sign-in?signed-out");
        assertThat(get("/portal/catalog", session).statusCode()).isEqualTo(302);
    }

    @Test
    void theApisAreNotGuardedByThePortalsSession() throws Exception {
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(uri("/catalog/v1/models"))
                .header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(models.statusCode()).isEqualTo(200);
        assertThat(models.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void theApisStillAnswerHostilePathsWithTheirOwnProblems() throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri("/admin/v1/tenants/%00"))
                .header("Authorization", "Bearer " + adminKey).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).as("no such tenant, as the admin API says it").isEqualTo(404);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void thePortalRefusesEncodedTraversal() throws Exception {
        assertThat(get("/portal/t/%2e%2e/keys", signIn()).statusCode()).isEqualTo(400);
    }

    @Test
    void aRecordThatIsNoNumberOrBeyondTheLogIsNotFound() throws Exception {
        String session = signIn();

        HttpResponse<String> word = get("/portal/t/default/audit/records/latest", session);
        HttpResponse<String> beyond = get("/portal/t/default/audit/records/999999999", session);

        assertThat(word.statusCode()).isEqualTo(404);
        assertThat(word.body()).contains("There is no audit record at &#39;latest&#39;: records are numbered from 0.");
        assertThat(beyond.statusCode()).isEqualTo(404);
        assertThat(beyond.body()).contains("There is no audit record at index 999999999 of default&#39;s log yet.");
    }

    @Test
    void anExportJobThatDoesNotExistIsTheApisNotFound() throws Exception {
        HttpResponse<String> job = get("/portal/t/default/audit/exports/" + UUID.randomUUID(), signIn());

        assertThat(job.statusCode()).isEqualTo(404);
    }

    @Test
    void aFormNumberThatIsNoNumberIsRefusedInTheFormsOwnWords() throws Exception {
        String session = signIn();
        HttpResponse<String> tenants = get("/portal/tenants", session);

        HttpResponse<String> posted = post("/portal/tenants/default/plan", session, "requests_per_minute=lots&_csrf=" + csrfOf(tenants));

        assertThat(posted.statusCode()).isEqualTo(303);
        assertThat(get("/portal/tenants", session).body()).contains("&#39;Requests per minute&#39; must be a whole number.");
    }

    private String signIn() throws Exception {
        HttpResponse<String> form = get("/portal/sign-in", null);
        return sessionOf(post("/portal/sign-in", sessionOf(form), "api_key=" + encode(adminKey) + "&_csrf=" + csrfOf(form)));
    }

    private HttpResponse<String> get(String path, String session) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path));
        if (session != null) {
            request.header("Cookie", "GATEHOUSE_PORTAL=" + session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String session, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Cookie", "GATEHOUSE_PORTAL=" + session)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String sessionOf(HttpResponse<String> answer) {
        return answer.headers().allValues("Set-Cookie").stream().map(SESSION_COOKIE::matcher).filter(Matcher::find)
                .map(matcher -> matcher.group(1)).findFirst().orElseThrow(() -> new AssertionError("no session cookie set"));
    }

    private static String csrfOf(HttpResponse<String> page) {
        Matcher matcher = CSRF_FIELD.matcher(page.body());
        assertThat(matcher.find()).as("a CSRF field in the page").isTrue();
        return encode(matcher.group(1));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
