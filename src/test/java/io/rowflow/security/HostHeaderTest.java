package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.FakeHubSpot;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A request's Host (or X-Forwarded-Host) header never becomes part of an absolute address Rowflow hands out: an OAuth
 * redirect URI built on it would send the provider's code to the attacker, a webhook address its secret. Without
 * rowflow.web.public-url the tests use the embedded default's fallback, http://localhost:&lt;port&gt;.
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
class HostHeaderTest {
    static final String EVIL = "attacker.example:8443";

    @Test
    void aWebhookAddressIgnoresTheHostHeader() {
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/h.csv"))),
                Map.of());
        String url = given().header("Host", EVIL).header("X-Forwarded-Host", EVIL).post("/api/v1/flows/" + flow + "/webhook")
                .then().statusCode(200).extract().path("url");
        assertThat(url).startsWith("http://localhost:" + RestAssured.port + "/api/v1/hooks/").doesNotContain("attacker");
    }

    @Test
    void anOAuthRedirectUriIgnoresTheHostHeader() {
        Api.Browser browser = Api.signIn(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        String consent = given().spec(browser.spec()).header("Host", EVIL).header("X-Forwarded-Host", EVIL)
                .redirects().follow(false).queryParam("name", "Host test").get("/api/v1/oauth/hubspot/authorize").then()
                .statusCode(302).extract().header("Location");
        String query = URI.create(consent).getRawQuery();
        String redirect = null;
        for (String pair : query.split("&")) {
            if (pair.startsWith("redirect_uri=")) {
                redirect = URLDecoder.decode(pair.substring(13), StandardCharsets.UTF_8);
            }
        }
        assertThat(redirect).isEqualTo("http://localhost:" + RestAssured.port + "/api/v1/oauth/hubspot/callback");
    }
}
