package dev.gatehouse.standalone;

import dev.gatehouse.tenant.keycloak.KeycloakTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.KeycloakBuilder;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.admin.client.resource.UserResource;
import org.keycloak.representations.idm.ClientRepresentation;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenID Connect sign-in in the distributed mode, in a real Chromium against a real Keycloak: a
 * tenant admin added as a member signs in on Keycloak's own login page (authorization code with
 * PKCE), comes back to the portal signed in as a member of their tenant, and sees the tenant's
 * members, which exist only with Keycloak.
 */
class PortalKeycloakSignInTest {

    private static final String REALM = "gatehouse-portal-sso";
    private static final String TENANT = "umbrella-sso";
    private static final String EMAIL = "alice@umbrella.example";
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path workDir;

    @Test
    void aMemberSignsInOnKeycloaksLoginPageAndWorksInTheirTenant() throws Exception {
        try (ConfigurableApplicationContext app = RunningMarketplace.start(workDir.resolve("data"),
                "--gatehouse.keycloak.server-url=" + KeycloakTestServer.url(),
                "--gatehouse.keycloak.realm=" + REALM,
                "--gatehouse.keycloak.admin-username=" + KeycloakTestServer.ADMIN_USERNAME,
                "--gatehouse.keycloak.admin-password=" + KeycloakTestServer.ADMIN_PASSWORD);
             Keycloak keycloak = KeycloakBuilder.builder().serverUrl(KeycloakTestServer.url().toString()).realm("master")
                     .clientId("admin-cli").username(KeycloakTestServer.ADMIN_USERNAME).password(KeycloakTestServer.ADMIN_PASSWORD).build()) {
            String platformAdmin = TestKeys.platformAdminKey(app);
            assertCreated(RunningMarketplace.post(app, platformAdmin, "/admin/v1/tenants",
                    "{\"slug\":\"" + TENANT + "\",\"display_name\":\"Umbrella\"}"));
            assertCreated(RunningMarketplace.post(app, platformAdmin, "/admin/v1/tenants/" + TENANT + "/members",
                    "{\"email\":\"" + EMAIL + "\",\"roles\":[\"tenant-admin\",\"developer\"]}"));
            RealmResource realm = keycloak.realm(REALM);
            registerThePortal(realm, RunningMarketplace.uri(app, "/portal/login/oauth2/code/keycloak").toString());
            givePassword(realm);

            WebDriver browser = PortalChromium.start();
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
                browser.get(RunningMarketplace.uri(app, "/portal/sign-in").toString());
                browser.findElement(By.id("keycloak-sign-in")).click();

                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
                assertThat(browser.getCurrentUrl()).as("Keycloak's own login page, asked with PKCE")
                        .startsWith(KeycloakTestServer.url() + "/realms/" + REALM + "/protocol/openid-connect/auth")
                        .contains("code_challenge_method=S256").contains("code_challenge=");
                browser.findElement(By.id("username")).sendKeys(EMAIL);
                // With organizations on, Keycloak asks for the account first, then for its password on a page of its own.
                if (browser.findElements(By.id("password")).isEmpty()) {
                    browser.findElement(By.id("kc-login")).click();
                }
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("password"))).sendKeys(PASSWORD);
                PortalChromium.screenshot(browser, "keycloak-login");
                browser.findElement(By.id("kc-login")).click();

                wait.until(ExpectedConditions.urlContains("/portal/catalog"));
                assertThat(browser.findElement(By.cssSelector(".sign-out .who")).getText()).isEqualTo(TENANT);
                browser.findElement(By.linkText("Members")).click();
                WebElement members = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("main table")));
                assertThat(members.getText()).contains(EMAIL).contains("tenant-admin");
                assertThat(browser.findElements(By.id("members-unavailable"))).as("Keycloak is there").isEmpty();
                PortalChromium.screenshot(browser, "members-distributed");

                browser.get(RunningMarketplace.uri(app, "/portal/t/default/keys").toString());
                assertThat(browser.findElement(By.tagName("h1")).getText()).as("another tenant's page").isEqualTo("Not found");

                browser.get(RunningMarketplace.uri(app, "/portal/catalog").toString());
                browser.findElement(By.cssSelector(".sign-out button")).click();
                wait.until(ExpectedConditions.urlContains("/portal/sign-in?signed-out"));
            } finally {
                browser.quit();
            }
        }
    }

    /** What the deployment guide asks of an operator: the portal as a public client of the realm, PKCE required. */
    private static void registerThePortal(RealmResource realm, String redirectUri) {
        ClientRepresentation portal = new ClientRepresentation();
        portal.setClientId("gatehouse-portal");
        portal.setPublicClient(true);
        portal.setStandardFlowEnabled(true);
        portal.setDirectAccessGrantsEnabled(false);
        portal.setRedirectUris(List.of(redirectUri));
        portal.setAttributes(Map.of("pkce.code.challenge.method", "S256"));
        realm.clients().create(portal).close();
    }

    /** What the member's invitation would do: a password of their own, and the profile Keycloak asks for at first sign-in. */
    private static void givePassword(RealmResource realm) {
        UserRepresentation found = realm.users().searchByEmail(EMAIL, true).get(0);
        UserResource user = realm.users().get(found.getId());
        found.setFirstName("Alice");
        found.setLastName("Wesker");
        found.setEmailVerified(true);
        user.update(found);
        CredentialRepresentation password = new CredentialRepresentation();
        password.setType(CredentialRepresentation.PASSWORD);
        password.setValue(PASSWORD);
        password.setTemporary(false);
        user.resetPassword(password);
    }

    private static void assertCreated(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
    }
}
