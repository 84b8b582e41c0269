package io.rowflow.connector;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakePipedrive;
import io.rowflow.testing.StreamReads;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "Connect Pipedrive" end to end against {@link FakePipedrive}: the consent redirect, the code exchanged with the
 * client as HTTP Basic, the company's address kept from the token answer's {@code api_domain}, every read sent with
 * the OAuth token as Bearer (never x-api-token), a revoked access token refreshed once, and a revoked sign-in turning
 * the connection into "needs re-authorization" with a message that says to reconnect.
 */
@QuarkusTest
@QuarkusTestResource(FakePipedrive.class)
class PipedriveSignInTest {

    @Test
    void signingInKeepsTheCompanysAddressAndReadsWithTheBearerToken() throws Exception {
        FakePipedrive pipedrive = FakePipedrive.running();
        pipedrive.oauth.registeredRedirect = "http://localhost:" + io.restassured.RestAssured.port
                + "/api/v1/oauth/pipedrive/callback";
        int exchangesBefore = pipedrive.oauth.codeExchanges.get();
        Api.SignedInConnection signedIn = Api.connectWithOAuth("pipedrive", "Globex via Pipedrive");
        assertThat(signedIn.consentQuery()).containsEntry("client_id", FakePipedrive.CLIENT_ID)
                .containsEntry("response_type", "code")
                .containsEntry("redirect_uri", pipedrive.oauth.registeredRedirect).containsKey("state");
        assertThat(pipedrive.oauth.codeExchanges.get() - exchangesBefore).as("codes exchanged").isEqualTo(1);
        String id = signedIn.connectionId();
        given().get("/api/v1/connections/" + id).then().statusCode(200)
                .body("config.api_domain", equalTo(FakePipedrive.API_DOMAIN))
                .body("authStatus", equalTo("ok"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("oauth-access-")));
        pipedrive.oauth.refreshTokens().forEach(Api.SECRETS_USED::add);

        pipedrive.credentials.clear();
        List<Map<String, Object>> deals = StreamReads.read(id, "deals", null);
        assertThat(deals).hasSize(FakePipedrive.DEALS);
        Map<Object, Map<String, Object>> byId = StreamReads.byKey(deals, r -> r.get("id"));
        assertThat(byId.get(1L)).containsEntry("title", "Deal 1").containsEntry("Contract value.currency", "EUR");
        assertThat((BigDecimal) byId.get(1L).get("Contract value.value")).isEqualByComparingTo("1.25");
        assertThat((BigDecimal) byId.get(1_201L).get("Contract value.value")).isEqualByComparingTo("1201.25");
        assertThat(byId.get(3L).get("Contract value.value")).isNull();
        // The field list and three pages of deals (500, 500, 203), each with the sign-in's token as Bearer.
        assertThat(pipedrive.credentials).hasSize(4).allSatisfy(c -> assertThat(c).startsWith("Bearer oauth-access-"));

        // Pipedrive revokes the access token early: the read refreshes it once and carries on.
        int refreshes = pipedrive.oauth.refreshes.get();
        pipedrive.oauth.revokeAccessTokens();
        assertThat(StreamReads.read(id, "deals", null)).hasSize(FakePipedrive.DEALS);
        assertThat(pipedrive.oauth.refreshes.get() - refreshes).as("refreshes").isEqualTo(1);
        pipedrive.oauth.refreshTokens().forEach(Api.SECRETS_USED::add);
        given().get("/api/v1/connections/" + id).then().body("config.api_domain", equalTo(FakePipedrive.API_DOMAIN));

        // The app is uninstalled: the access token is refused (401) and so is the refresh, so the connection needs
        // the user to reconnect it.
        pipedrive.oauth.revokeAccessTokens();
        pipedrive.oauth.revokeRefreshTokens();
        int refusedBefore = pipedrive.refused.get();
        given().post("/api/v1/connections/" + id + "/check").then().statusCode(200).body("ok", equalTo(false))
                .body("message", org.hamcrest.Matchers.containsString("reconnect"));
        assertThat(pipedrive.refused.get() - refusedBefore).as("401s from Pipedrive").isPositive();
        given().get("/api/v1/connections/" + id).then().body("authStatus", equalTo("needs_reauthorization"));
    }

    /** A token answer naming an address outside Pipedrive's hosts is refused at the callback; nothing is connected. */
    @Test
    void aTokenAnswerNamingAForeignAddressConnectsNothing() throws Exception {
        FakePipedrive pipedrive = FakePipedrive.running();
        pipedrive.oauth.registeredRedirect = "http://localhost:" + io.restassured.RestAssured.port
                + "/api/v1/oauth/pipedrive/callback";
        int before = given().get("/api/v1/connections").then().statusCode(200).extract().jsonPath().getList("$").size();
        pipedrive.oauth.answerFields.put("api_domain", "https://pipedrive.example.net");
        try {
            Api.Browser browser = Api.signIn(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
            java.net.URI consent = java.net.URI.create(given().spec(browser.spec()).redirects().follow(false)
                    .queryParam("name", "Elsewhere").get("/api/v1/oauth/pipedrive/authorize").then().statusCode(302)
                    .extract().header("Location"));
            var approved = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(consent)
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            java.net.URI back = java.net.URI.create(approved.headers().firstValue("Location").orElseThrow());
            given().spec(browser.spec()).redirects().follow(false).get(back.getPath() + "?" + back.getRawQuery())
                    .then().statusCode(502)
                    .body(org.hamcrest.Matchers.containsString("https://pipedrive.example.net"))
                    .body(org.hamcrest.Matchers.containsString("will not send the token"));
        } finally {
            pipedrive.oauth.answerFields.put("api_domain", FakePipedrive.API_DOMAIN);
            pipedrive.oauth.refreshTokens().forEach(Api.SECRETS_USED::add);
        }
        assertThat(given().get("/api/v1/connections").then().statusCode(200).extract().jsonPath().getList("$"))
                .hasSize(before);
    }
}
