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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The portal in a real Chromium, driven through each role's main journey on one running
 * marketplace: the platform admin creates a tenant with its plan and admin key; the tenant admin
 * sets residency and the compliance profile, finds a model by search, subscribes, creates a key,
 * calls the model with the OpenAI SDK and finds the call in usage (against the plan's budget) and
 * in the audit search; an auditor reads a record's decision, verifies it against the signed
 * checkpoint and exports the log, following the job's progress; a publisher publishes a model,
 * gives it a backend, approves a subscription and deprecates it; the pages fit a phone and start
 * with a skip link; the platform admin suspends, resumes and erases a tenant. Nobody reaches
 * another tenant's pages, and a form posted without its CSRF token is refused. Screenshots of the
 * main pages go to target/portal-screenshots/ (build artefacts).
 */
@MarketplaceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalBrowserTest {

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
        browser = PortalChromium.start();
        wait = new WebDriverWait(browser, Duration.ofSeconds(10));
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
    void platformAdminCreatesATenantGivesItAPlanAndAnAdminKey() {
        signIn(platformAdminKey);
        open("/portal/tenants");
        browser.findElement(By.id("slug")).sendKeys(TENANT);
        browser.findElement(By.id("display_name")).sendKeys("Globex Portal");
        browser.findElement(By.cssSelector("form[action='/portal/tenants'] button")).click();
        assertThat(flash()).contains("Tenant '" + TENANT + "' created");

        WebElement plan = tenantRow(TENANT).findElement(By.cssSelector("details.plan"));
        plan.findElement(By.tagName("summary")).click();
        replaceText(plan.findElement(By.name("requests_per_minute")), "1200");
        replaceText(plan.findElement(By.name("monthly_budget_usd")), "40");
        plan.findElement(By.tagName("button")).click();
        assertThat(flash()).startsWith("Plan of '" + TENANT + "' changed");
        assertThat(tenantRow(TENANT).findElement(By.cssSelector("details.plan summary")).getText())
                .isEqualTo("1200 req/min · 200000 tokens/min · 40.00 USD/month");
        screenshot("tenants");

        open("/portal/t/" + TENANT + "/keys");
        tenantAdminKey = createKey("globex admin", "tenant-admin", "developer", "auditor");
        signOut();
    }

    @Test
    @Order(2)
    void tenantAdminSetsResidencyAndComplianceAndLearnsMembersNeedDistributedMode() {
        signIn(tenantAdminKey);
        open("/portal/t/" + TENANT + "/settings");
        WebElement usEast = browser.findElement(By.cssSelector("input[name='residency_regions'][value='us-east']"));
        assertThat(usEast.isSelected()).as("the default residency is the EU's").isFalse();
        assertThat(browser.findElement(By.cssSelector("input[name='residency_regions'][value='eu-central']")).isSelected()).isTrue();
        browser.findElement(By.cssSelector("input[name='residency_regions'][value='eu-north']")).click();
        browser.findElement(By.xpath("//button[text()='Save processing settings']")).click();
        assertThat(flash()).isEqualTo("Processing settings saved: calls from now on are served only in eu-central, eu-north, eu-west.");

        browser.findElement(By.id("default_purpose")).sendKeys("general");
        new Select(browser.findElement(By.id("injection_action"))).selectByValue("flag");
        browser.findElement(By.xpath("//button[text()='Save compliance profile']")).click();
        assertThat(flash()).startsWith("Compliance profile saved");
        assertThat(browser.findElement(By.id("default_purpose")).getAttribute("value")).isEqualTo("general");
        assertThat(new Select(browser.findElement(By.id("injection_action"))).getFirstSelectedOption().getAttribute("value")).isEqualTo("flag");
        screenshot("settings");

        browser.findElement(By.linkText("Members")).click();
        assertThat(browser.findElement(By.id("members-unavailable")).getText()).contains("Not available in the embedded mode")
                .contains("create an API key");
    }

    @Test
    @Order(3)
    void tenantAdminFindsAModelBySearchAndSubscribes() {
        open("/portal/catalog");
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
    @Order(4)
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
    @Order(5)
    void tenantAdminSeesTheCallInUsage() {
        await().atMost(USAGE_AND_AUDIT_ARRIVAL).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            open("/portal/t/" + TENANT + "/usage");
            assertThat(browser.findElements(By.cssSelector("#usage-by-model td"))).extracting(WebElement::getText).contains("chat-simulator");
        });
        assertThat(browser.findElement(By.id("total-requests")).getText()).isEqualTo("1");
        WebElement tenantBudget = browser.findElement(By.cssSelector("#budgets tbody tr"));
        assertThat(tenantBudget.findElement(By.tagName("td")).getText()).isEqualTo("Tenant");
        assertThat(tenantBudget.getText()).contains("of 40.00 USD");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#usage-chart canvas")));
        screenshot("usage");
    }

    @Test
    @Order(6)
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
    @Order(7)
    void aTenantAdminCannotReachAnotherTenantsPages() throws Exception {
        for (String page : new String[] {"/portal/t/default/keys", "/portal/t/default/usage", "/portal/t/default/audit",
                "/portal/t/default/settings", "/portal/t/default/members", "/portal/t/default/audit/records/0"}) {
            open(page);
            assertThat(browser.findElement(By.tagName("h1")).getText()).as(page).isEqualTo("Not found");
            assertThat(browser.findElements(By.tagName("table"))).as(page).isEmpty();
            assertThat(getWithSession(page).statusCode()).as(page).isEqualTo(404);
        }
    }

    @Test
    @Order(8)
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
    @Order(9)
    void anAuditorReadsARecordsDecisionVerifiesItAndExportsTheLogWithProgress() throws Exception {
        open("/portal/t/" + TENANT + "/keys");
        String auditorKey = createKey("auditor", "auditor");
        signOut();

        signIn(auditorKey);
        assertThat(browser.findElements(By.linkText("API keys"))).as("an auditor has no key management").isEmpty();
        open("/portal/t/" + TENANT + "/audit");
        browser.findElement(By.id("action")).sendKeys("model_call", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("main"), callId));
        assertThat(browser.findElement(By.id("signature-state")).getText()).isEqualTo("verified");

        browser.findElement(By.cssSelector(".records summary")).click();
        browser.findElement(By.cssSelector(".records a.record-link")).click();
        assertThat(browser.findElement(By.id("record-id")).getText()).isEqualTo(callId);
        assertThat(browser.findElement(By.id("policy-decision")).getText()).isEqualTo("allowed");
        assertThat(browser.findElement(By.id("record-region")).getText()).isEqualTo("eu-central");
        assertThat(browser.findElement(By.id("injection-score")).getText()).isNotBlank();
        if (browser.findElement(By.id("inclusion-state")).getText().equals("not yet covered")) {
            browser.findElement(By.xpath("//button[text()='Sign a checkpoint now']")).click();
            assertThat(flash()).startsWith("Checkpoint signed");
        }
        assertThat(browser.findElement(By.id("inclusion-state")).getText()).isEqualTo("verified");
        assertThat(browser.findElement(By.id("signature-state")).getText()).isEqualTo("verified");
        screenshot("audit-record");

        open("/portal/t/" + TENANT + "/audit");
        browser.findElement(By.xpath("//button[text()='Start export']")).click();
        wait.until(ExpectedConditions.urlMatches("/portal/t/" + TENANT + "/audit/exports/[0-9a-f-]{36}$"));
        // htmx follows the job in place; the page is never reloaded by the test.
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(ExpectedConditions.textToBe(By.id("export-state"), "completed"));
        assertThat(browser.findElement(By.id("export-bar")).getAttribute("value")).isEqualTo("100");
        assertThat(browser.findElement(By.id("export-count")).getText()).endsWith("records (100%)");
        screenshot("audit-export");
        String download = browser.findElement(By.id("export-download")).getAttribute("href");
        HttpResponse<byte[]> bundle = http.send(HttpRequest.newBuilder(URI.create(download))
                .header("Cookie", sessionCookie()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Disposition").orElseThrow()).startsWith("attachment; filename=\"audit-" + TENANT + "-");
        assertThat(bundle.body()).startsWith('P', 'K');
        signOut();
    }

    @Test
    @Order(10)
    void aPublisherPublishesAModelAddsABackendApprovesASubscriptionAndDeprecatesIt() {
        String model = "globex-tide-8b";
        signIn(platformAdminKey);
        open("/portal/publishing");
        WebElement simulator = modelSection("chat-simulator");
        assertThat(simulator.findElements(By.cssSelector("tbody tr"))).as("the built-in backend with its health").isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("section[aria-labelledby=published-usage]")).getText())
                .as("the calls to the publisher's models, none yet").contains("Calls to your models, last 30 days")
                .contains("No calls to your models yet");

        browser.findElement(By.cssSelector("#publish summary")).click();
        browser.findElement(By.id("model-id")).sendKeys(model);
        browser.findElement(By.id("model-name")).sendKeys("Tide 8B");
        browser.findElement(By.id("model-input-price")).sendKeys("0.20");
        browser.findElement(By.id("model-output-price")).sendKeys("0.60");
        browser.findElement(By.name("approval_required")).click();
        browser.findElement(By.xpath("//button[text()='Publish']")).click();
        assertThat(flash()).isEqualTo("Model '" + model + "' published. Add a backend so that its calls can be served.");
        assertThat(modelSection(model).getText()).contains("No backend: calls to this model cannot be served");

        WebElement addBackend = modelSection(model).findElement(By.cssSelector("details.backend-form"));
        addBackend.findElement(By.tagName("summary")).click();
        addBackend.findElement(By.name("base_url")).sendKeys("http://127.0.0.1:9/v1");
        addBackend.findElement(By.name("upstream_model")).sendKeys("tide-8b");
        new Select(addBackend.findElement(By.name("region"))).selectByValue("eu-west");
        addBackend.findElement(By.tagName("button")).click();
        assertThat(flash()).startsWith("Backend ").endsWith(" added to '" + model + "' in eu-west.");
        signOut();

        signIn(tenantAdminKey);
        open("/portal/catalog/" + model);
        browser.findElement(By.cssSelector(".actions button")).click();
        assertThat(flash()).contains("Subscribed: the subscription is pending");
        signOut();

        signIn(platformAdminKey);
        open("/portal/publishing");
        assertThat(modelSection(model).findElement(By.cssSelector(".badge")).getText()).isEqualTo("1 waiting");
        modelSection(model).findElement(By.xpath(".//button[text()='Approve']")).click();
        assertThat(flash()).isEqualTo("Subscription of '" + TENANT + "' to '" + model + "' approved.");
        assertThat(modelSection(model).findElement(By.cssSelector("table.subscriptions tbody")).getText()).contains(TENANT).contains("active");

        WebElement edit = modelSection(model).findElement(By.cssSelector("details.edit-form"));
        edit.findElement(By.tagName("summary")).click();
        replaceText(edit.findElement(By.name("display_name")), "Tide 8B Instruct");
        edit.findElement(By.tagName("button")).click();
        assertThat(flash()).isEqualTo("Model '" + model + "' saved.");
        assertThat(modelSection(model).findElement(By.tagName("h2")).getText()).startsWith("Tide 8B Instruct");

        WebElement deprecate = modelSection(model).findElement(By.cssSelector("details.deprecate-form"));
        deprecate.findElement(By.tagName("summary")).click();
        // A date field takes the day as typed in the browser's locale order; the script sets its value the way the picker would.
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1];", deprecate.findElement(By.name("sunset_on")), "2030-06-30");
        deprecate.findElement(By.tagName("button")).click();
        assertThat(flash()).isEqualTo("Model '" + model + "' deprecated: callers are warned, and refused after 2030-06-30T00:00:00Z.");
        assertThat(modelSection(model).findElement(By.cssSelector(".model-status")).getText()).isEqualTo("deprecated");
        screenshot("publishing");
    }

    @Test
    @Order(11)
    void thePagesAreUsableAtPhoneWidthAndByKeyboard() {
        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : new String[] {"/portal/catalog", "/portal/publishing", "/portal/tenants", "/portal/t/" + TENANT + "/settings"}) {
            open(page);
            Long overflow = (Long) ((JavascriptExecutor) browser)
                    .executeScript("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as("no sideways scrolling on " + page).isZero();
        }
        open("/portal/catalog");
        assertThat(browser.findElement(By.id("q")).isDisplayed()).isTrue();
        screenshot("catalog-phone");
        browser.manage().window().setSize(new Dimension(1280, 1000));

        browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
        WebElement first = browser.switchTo().activeElement();
        assertThat(first.getText()).as("the first stop skips to the content").isEqualTo("Skip to content");
        first.sendKeys(Keys.ENTER);
        assertThat(browser.getCurrentUrl()).endsWith("#main");
    }

    @Test
    @Order(12)
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

    private WebElement modelSection(String model) {
        return browser.findElement(By.cssSelector("section[data-model='" + model + "']"));
    }

    private static void replaceText(WebElement field, String text) {
        field.clear();
        field.sendKeys(text);
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
        PortalChromium.screenshot(browser, name);
    }

    private String sessionCookie() {
        return "GATEHOUSE_PORTAL=" + browser.manage().getCookieNamed("GATEHOUSE_PORTAL").getValue();
    }

    private HttpResponse<String> getWithSession(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Cookie", sessionCookie()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private OpenAIClient sdk(String key) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(key).maxRetries(0).build();
    }
}
