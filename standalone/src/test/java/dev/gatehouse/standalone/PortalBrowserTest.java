package dev.gatehouse.standalone;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The portal in a real Chromium, driven through each role's main journey on one running
 * marketplace: the platform admin creates a tenant and its admin key; the tenant admin finds a
 * model by search, subscribes, creates a key, calls the model with the OpenAI SDK and finds the
 * call in usage and in the audit search; an auditor searches and exports the audit log; a
 * publisher sees its backends' health; the platform admin suspends, resumes and erases a
 * tenant. Nobody reaches another tenant's pages, and a form posted without its CSRF token is
 * refused. Screenshots of the main pages go to target/portal-screenshots/ (build artefacts).
 */
@MarketplaceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "portal-screenshots");
    private static final String TENANT = "globex-portal";
    private static final Duration USAGE_AND_AUDIT_ARRIVAL = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    private WebDriver browser;
    private WebDriverWait wait;
    private String platformAdminKey;
    private String tenantAdminKey;
    private String developerKey;
    private String callId;

    @BeforeAll
    void startChromium() throws Exception {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("Debian's chromium and chromium-driver are needed: run tools/install-chromium.sh as root").isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // The closed network refuses Chromium's own background connections: none are made.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory("portal-chromium"), "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(10));
        Files.createDirectories(SCREENSHOTS);
        platformAdminKey = TestKeys.platformAdminKey(context);
    }

    @AfterAll
    void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void platformAdminCreatesATenantAndGivesItAnAdminKey() throws Exception {
        signIn(platformAdminKey);
        open("/portal/tenants");
        browser.findElement(By.id("slug")).sendKeys(TENANT);
        browser.findElement(By.id("display_name")).sendKeys("Globex Portal");
        browser.findElement(By.cssSelector("form[action='/portal/tenants'] button")).click();
        assertThat(flash()).contains("Tenant '" + TENANT + "' created");
        screenshot("tenants");

        open("/portal/t/" + TENANT + "/keys");
        tenantAdminKey = createKey("globex admin", "tenant-admin", "developer", "auditor");
        // The portal has no compliance page yet: the tenant's processing purpose is set through the API.
        assertThat(putJson("/admin/v1/tenants/" + TENANT + "/compliance", "{\"default_purpose\":\"general\"}")).isEqualTo(200);
        signOut();
    }

    @Test
    @Order(2)
    void tenantAdminFindsAModelBySearchAndSubscribes() {
        signIn(tenantAdminKey);
        search("minilm");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(modelLink("chat-simulator")));
        assertThat(browser.findElements(modelLink("all-minilm-l6-v2"))).hasSize(1);
        search("simulator");
        wait.until(ExpectedConditions.visibilityOfElementLocated(modelLink("chat-simulator")));
        screenshot("catalog");

        browser.findElement(modelLink("chat-simulator")).click();
        wait.until(ExpectedConditions.textToBe(By.id("subscription"), "none"));
        browser.findElement(By.cssSelector(".actions button")).click();
        assertThat(flash()).contains("Subscribed: the subscription is active");
        assertThat(browser.findElement(By.id("subscription")).getText()).isEqualTo("active");
        screenshot("model");
    }

    @Test
    @Order(3)
    void tenantAdminCreatesAKeyAndCallsTheModelWithTheOpenAiSdk() {
        open("/portal/t/" + TENANT + "/keys");
        developerKey = createKey("sdk", "developer");
        screenshot("keys");

        // Within the refresh interval the gateway learns of the subscription and the key; the first call also warms up the pipeline.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
            try (HttpResponseFor<ChatCompletion> answer = sdk(developerKey).chat().completions().withRawResponse()
                    .create(ChatCompletionCreateParams.builder().model("chat-simulator")
                            .addUserMessage("When is high tide in Brest?").build())) {
                assertThat(answer.parse().choices()).isNotEmpty();
                callId = answer.headers().values("X-Gatehouse-Call-Id").get(0);
            }
        });
    }

    @Test
    @Order(4)
    void tenantAdminSeesTheCallInUsage() {
        await().atMost(USAGE_AND_AUDIT_ARRIVAL).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            open("/portal/t/" + TENANT + "/usage");
            assertThat(browser.findElements(By.cssSelector("#usage-by-model td"))).extracting(WebElement::getText).contains("chat-simulator");
        });
        assertThat(browser.findElement(By.id("total-requests")).getText()).isEqualTo("1");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#usage-chart canvas")));
        screenshot("usage");
    }

    @Test
    @Order(5)
    void tenantAdminFindsTheCallInTheAuditSearch() {
        await().atMost(USAGE_AND_AUDIT_ARRIVAL).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            open("/portal/t/" + TENANT + "/audit?action=model_call");
            assertThat(browser.findElement(By.tagName("main")).getText()).contains(callId);
        });
        browser.findElement(By.cssSelector(".records summary")).click();
        assertThat(browser.findElement(By.cssSelector(".records pre.event")).getText()).contains("chat-simulator");
        screenshot("audit");
    }

    @Test
    @Order(6)
    void aTenantAdminCannotReachAnotherTenantsPages() throws Exception {
        for (String page : new String[] {"/portal/t/default/keys", "/portal/t/default/usage", "/portal/t/default/audit"}) {
            open(page);
            assertThat(browser.findElement(By.tagName("h1")).getText()).as(page).isEqualTo("Not found");
            assertThat(browser.findElements(By.tagName("table"))).as(page).isEmpty();
            assertThat(getWithSession(page).statusCode()).as(page).isEqualTo(404);
        }
    }

    @Test
    @Order(7)
    void aFormPostedWithoutItsCsrfTokenIsRefused() throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri("/portal/t/" + TENANT + "/keys"))
                .header("Cookie", sessionCookie())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=forged&roles=developer")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(403);
        open("/portal/t/" + TENANT + "/keys");
        assertThat(browser.findElement(By.tagName("main")).getText()).doesNotContain("forged");
    }

    @Test
    @Order(8)
    void anAuditorSearchesAndExportsTheAuditLog() throws Exception {
        open("/portal/t/" + TENANT + "/keys");
        String auditorKey = createKey("auditor", "auditor");
        signOut();

        signIn(auditorKey);
        assertThat(browser.findElements(By.linkText("API keys"))).as("an auditor has no key management").isEmpty();
        open("/portal/t/" + TENANT + "/audit");
        browser.findElement(By.id("action")).sendKeys("model_call", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), callId));
        assertThat(browser.findElement(By.id("checkpoint-size")).getText()).isNotBlank();
        HttpResponse<byte[]> bundle = http.send(HttpRequest.newBuilder(uri("/portal/t/" + TENANT + "/audit/export"))
                .header("Cookie", sessionCookie()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"audit-" + TENANT + ".zip\"");
        assertThat(bundle.body()).startsWith('P', 'K');
        signOut();
    }

    @Test
    @Order(9)
    void aPublisherSeesItsModelsBackendsAndTheirHealth() {
        signIn(platformAdminKey);
        open("/portal/publishing");
        WebElement simulator = browser.findElement(By.xpath("//section[.//code[text()='chat-simulator']]"));
        assertThat(simulator.findElements(By.cssSelector("tbody tr"))).isNotEmpty();
        screenshot("publishing");
    }

    @Test
    @Order(10)
    void theCatalogIsUsableAtPhoneWidth() {
        browser.manage().window().setSize(new Dimension(390, 844));
        open("/portal/catalog");
        assertThat(browser.findElement(By.id("q")).isDisplayed()).isTrue();
        Long overflow = (Long) ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(overflow).as("no sideways scrolling").isZero();
        screenshot("catalog-phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    @Test
    @Order(11)
    void platformAdminSuspendsResumesAndErasesATenantOnlyWhenItIsNamedAgain() {
        String slug = "initech-portal";
        open("/portal/tenants");
        browser.findElement(By.id("slug")).sendKeys(slug);
        browser.findElement(By.id("display_name")).sendKeys("Initech");
        browser.findElement(By.cssSelector("form[action='/portal/tenants'] button")).click();
        assertThat(flash()).contains("Tenant '" + slug + "' created");

        tenantRow(slug).findElement(By.xpath(".//button[text()='Suspend']")).click();
        assertThat(flash()).isEqualTo("Tenant '" + slug + "' suspended.");
        tenantRow(slug).findElement(By.xpath(".//button[text()='Resume']")).click();
        assertThat(flash()).isEqualTo("Tenant '" + slug + "' resumed.");

        erase(slug, "initech");
        assertThat(flash()).isEqualTo("Type the tenant's slug '" + slug + "' to confirm erasing it.");
        erase(slug, slug);
        assertThat(flash()).startsWith("Tenant '" + slug + "' erased");
        assertThat(browser.findElements(tenantRowLocator(slug))).isEmpty();
    }

    private void signIn(String key) {
        open("/portal/sign-in");
        browser.findElement(By.id("api_key")).sendKeys(key, Keys.ENTER);
        wait.until(ExpectedConditions.urlContains("/portal/catalog"));
    }

    private void signOut() {
        browser.findElement(By.cssSelector(".sign-out button")).click();
        wait.until(ExpectedConditions.urlContains("/portal/sign-in?signed-out"));
    }

    private void search(String words) {
        WebElement query = browser.findElement(By.id("q"));
        query.clear();
        query.sendKeys(words, Keys.ENTER);
        wait.until(ExpectedConditions.urlContains("q=" + words));
    }

    /** Creates a key on the open keys page with exactly these roles, and returns its secret as the page shows it once. */
    private String createKey(String name, String... roles) {
        browser.findElement(By.id("name")).sendKeys(name);
        for (WebElement box : browser.findElements(By.name("roles"))) {
            boolean wanted = Arrays.asList(roles).contains(box.getAttribute("value"));
            if (box.isSelected() != wanted) {
                box.click();
            }
        }
        browser.findElement(By.cssSelector("form.stacked button")).click();
        assertThat(flash()).contains("Key '" + name + "' created");
        String token = browser.findElement(By.id("new-key-token")).getAttribute("value");
        assertThat(token).startsWith("gatehouse_");
        browser.navigate().refresh();
        assertThat(browser.findElements(By.id("new-key-token"))).as("a key is shown only once").isEmpty();
        return token;
    }

    private void erase(String slug, String typed) {
        WebElement erase = tenantRow(slug).findElement(By.cssSelector("details.erase"));
        erase.findElement(By.tagName("summary")).click();
        erase.findElement(By.name("confirm_slug")).sendKeys(typed);
        erase.findElement(By.cssSelector("button.danger")).click();
    }

    private WebElement tenantRow(String slug) {
        return browser.findElement(tenantRowLocator(slug));
    }

    private static By tenantRowLocator(String slug) {
        return By.xpath("//tr[td/code[text()='" + slug + "']]");
    }

    private static By modelLink(String model) {
        return By.cssSelector("a[href='/portal/catalog/" + model + "']");
    }

    private String flash() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".flash"))).getText();
    }

    private void open(String path) {
        browser.get("http://127.0.0.1:" + port + path);
    }

    private void screenshot(String name) {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        try {
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String sessionCookie() {
        return "GATEHOUSE_PORTAL=" + browser.manage().getCookieNamed("GATEHOUSE_PORTAL").getValue();
    }

    private HttpResponse<String> getWithSession(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Cookie", sessionCookie()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int putJson(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + platformAdminKey)
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(key).maxRetries(0).build();
    }
}
