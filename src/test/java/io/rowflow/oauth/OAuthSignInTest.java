package io.rowflow.oauth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeHubSpot;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * "Connect HubSpot" end to end against the fake provider: the consent redirect (exact redirect URI, state, PKCE S256),
 * the callback that stores the tokens encrypted, a state that works once and only in its own session, a token that
 * expires refreshed once for many concurrent runs, and a revoked refresh token turning the connection into "needs
 * re-authorization" with a run error that says to reconnect.
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
class OAuthSignInTest {
    static Map<String, String> query(URI uri) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /** The browser's trip: Rowflow → the provider's consent page → back to Rowflow's callback; answers the callback. */
    static Response connect(Api.Browser browser, String name) throws Exception {
        return callback(browser, consentAndBack(browser, name));
    }

    static Response callback(Api.Browser browser, URI back) {
        return given().spec(browser.spec()).redirects().follow(false).get(back.getPath() + "?" + back.getRawQuery());
    }

    /** Rowflow's redirect to the consent page, checked, and the provider's redirect back: the callback address. */
    static URI consentAndBack(Api.Browser browser, String name) throws Exception {
        FakeHubSpot hubspot = FakeHubSpot.running();
        hubspot.oauth.registeredRedirect = "http://localhost:" + RestAssured.port + "/api/v1/oauth/hubspot/callback";
        URI consent = URI.create(given().spec(browser.spec()).redirects().follow(false).queryParam("name", name)
                .get("/api/v1/oauth/hubspot/authorize").then().statusCode(302).extract().header("Location"));
        Map<String, String> asked = query(consent);
        assertThat(asked).containsEntry("client_id", FakeHubSpot.CLIENT_ID).containsEntry("response_type", "code")
                .containsEntry("redirect_uri", hubspot.oauth.registeredRedirect).containsEntry("code_challenge_method", "S256")
                .containsKeys("state", "code_challenge", "scope");
        HttpResponse<Void> approved = HttpClient.newHttpClient().send(HttpRequest.newBuilder(consent).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(approved.statusCode()).isEqualTo(302);
        return URI.create(approved.headers().firstValue("Location").orElseThrow());
    }

    static String connectionOf(Response callback) {
        callback.then().statusCode(303);
        String location = callback.header("Location");
        return location.substring(location.indexOf("/connections/") + 13, location.indexOf('?'));
    }

    @Test
    void connectingStoresTheTokensAndAStateWorksOnceInItsOwnSession() throws Exception {
        Api.Browser browser = Api.signIn(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        URI back = consentAndBack(browser, "Sales HubSpot");
        Response done = callback(browser, back);
        String connection = connectionOf(done);
        JsonPath view = given().get("/api/v1/connections/" + connection).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("name")).isEqualTo("Sales HubSpot");
        assertThat(view.getList("secretFields", String.class)).contains("access_token", "refresh_token");
        assertThat(view.getString("authStatus")).isEqualTo("ok");
        assertThat(view.prettify()).doesNotContain("oauth-access-").doesNotContain("oauth-refresh-");
        FakeHubSpot.running().oauth.refreshTokens().forEach(Api.SECRETS_USED::add);
        // The connection reads HubSpot with the token it got.
        String flow = Api.createStreamFlow("signed in", connection, "owners");
        assertThat(Api.runSucceeds(flow).getLong("destinations[0].rowsWritten")).isEqualTo(FakeHubSpot.OWNERS);
        // The provider revokes the token before its expiry: the run refreshes it once and carries on.
        int refreshes = FakeHubSpot.running().oauth.refreshes.get();
        FakeHubSpot.running().oauth.revokeAccessTokens();
        assertThat(Api.runSucceeds(flow).getLong("destinations[0].rowsWritten")).isEqualTo(FakeHubSpot.OWNERS);
        assertThat(FakeHubSpot.running().oauth.refreshes.get() - refreshes).isEqualTo(1);
        FakeHubSpot.running().oauth.refreshTokens().forEach(Api.SECRETS_USED::add);

        // The same callback again (a replay) is refused.
        callback(browser, back).then().statusCode(422).body("errors[0].field", equalTo("state"));

        // A state started in one session cannot be completed in another, and once presented it is spent.
        URI started = consentAndBack(browser, null);
        Api.Browser other = Api.signIn(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        int exchanges = hubspot().oauth.codeExchanges.get();
        callback(other, started).then().statusCode(422).body("errors[0].field", equalTo("state"));
        callback(browser, started).then().statusCode(422);

        // A missing or made-up state, and one older than rowflow.oauth.state-ttl (3 s in tests), are refused too.
        String code = query(started).get("code");
        given().spec(browser.spec()).redirects().follow(false).get("/api/v1/oauth/hubspot/callback?code=" + code).then()
                .statusCode(422).body("errors[0].field", equalTo("state"));
        given().spec(browser.spec()).redirects().follow(false).get("/api/v1/oauth/hubspot/callback?code=" + code
                + "&state=made-up").then().statusCode(422).body("errors[0].field", equalTo("state"));
        URI late = consentAndBack(browser, null);
        Thread.sleep(3_500);
        callback(browser, late).then().statusCode(422).body("errors[0].field", equalTo("state"));
        // None of the refused callbacks reached the provider's token endpoint.
        assertThat(hubspot().oauth.codeExchanges.get()).isEqualTo(exchanges);
    }

    private static FakeHubSpot hubspot() {
        return FakeHubSpot.running();
    }

    @jakarta.inject.Inject
    OAuthService oauth;

    /** Fifty reads at once find the token expired: one refresh call reaches the provider, and all get its token. */
    @Test
    void fiftyConcurrentReadersOfAnExpiredTokenMakeOneRefresh() throws Exception {
        FakeHubSpot hubspot = hubspot();
        hubspot.oauth.accessLifetimeSeconds = 2;
        String connection;
        try {
            connection = connectionOf(connect(Api.signIn(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD), "Fifty readers"));
            hubspot.oauth.accessLifetimeSeconds = 60;
            Thread.sleep(2_500);
            int before = hubspot.oauth.refreshes.get();
            java.util.UUID id = java.util.UUID.fromString(connection);
            ExecutorService pool = Executors.newFixedThreadPool(50);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<Future<String>> tokens = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                tokens.add(pool.submit(() -> {
                    go.await();
                    return oauth.accessToken(id);
                }));
            }
            go.countDown();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Future<String> token : tokens) {
                seen.add(token.get());
            }
            pool.shutdown();
            assertThat(hubspot.oauth.refreshes.get() - before).as("refresh calls for 50 concurrent readers").isEqualTo(1);
            assertThat(seen).as("every reader got the one refreshed token").hasSize(1);
            seen.forEach(Api.SECRETS_USED::add);
            hubspot.oauth.refreshTokens().forEach(Api.SECRETS_USED::add);
        } finally {
            hubspot.oauth.accessLifetimeSeconds = 1800;
        }
    }

    @Test
    void anExpiredTokenIsRefreshedOnceForManyRunsAndARevokedOneAsksToReconnect() throws Exception {
        FakeHubSpot hubspot = FakeHubSpot.running();
        hubspot.oauth.accessLifetimeSeconds = 2;
        try {
            expireRefreshAndRevoke(hubspot);
        } finally {
            hubspot.oauth.accessLifetimeSeconds = 1800;
        }
    }

    /**
     * {@code count} runs started at once, each of its own flow, through one connection signed in with a token that has
     * expired by then; asserts the provider saw exactly one refresh call, and answers the runs as they ended.
     */
    static List<JsonPath> runsAtOnceWithAnExpiredToken(FakeHubSpot hubspot, int count) throws Exception {
        hubspot.oauth.accessLifetimeSeconds = 2;
        String connection = connectionOf(connect(Api.signIn(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD), count + " runs"));
        hubspot.oauth.accessLifetimeSeconds = 600; // the refreshed token outlives the runs
        List<String> flows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            flows.add(Api.createStreamFlow("owners " + i, connection, "owners"));
        }
        Thread.sleep(2_500); // the access token has expired
        int before = hubspot.oauth.refreshes.get();
        ExecutorService pool = Executors.newFixedThreadPool(count);
        List<Future<JsonPath>> started = new ArrayList<>();
        for (String flow : flows) {
            started.add(pool.submit(() -> Api.runToEnd(flow)));
        }
        List<JsonPath> runs = new ArrayList<>();
        for (Future<JsonPath> run : started) {
            runs.add(run.get());
        }
        pool.shutdown();
        assertThat(hubspot.oauth.refreshes.get() - before).as("refresh calls for %d concurrent runs", count).isEqualTo(1);
        hubspot.oauth.refreshTokens().forEach(Api.SECRETS_USED::add);
        return runs;
    }

    private static void expireRefreshAndRevoke(FakeHubSpot hubspot) throws Exception {
        List<JsonPath> runs = runsAtOnceWithAnExpiredToken(hubspot, 5);
        for (JsonPath run : runs) {
            assertThat(run.getString("status")).as(run.prettify()).isEqualTo("succeeded");
        }
        String connection;

        // A copy of a connection's refresh token is used elsewhere first (it leaked): the provider rotates it there, so
        // the one Rowflow holds is now an old one, and presenting it revokes the whole family.
        hubspot.oauth.accessLifetimeSeconds = 2;
        String leaked = connectionOf(connect(Api.signIn(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD), "Leaked"));
        List<String> issued = hubspot.oauth.refreshTokens();
        assertThat(hubspot.presentRefreshToken(issued.get(issued.size() - 1))).isEqualTo(200);
        hubspot.oauth.refreshTokens().forEach(Api.SECRETS_USED::add);
        Thread.sleep(2_500); // Rowflow's access token expires
        String flow = Api.createStreamFlow("leaked", leaked, "owners");
        JsonPath failed = Api.runToEnd(flow);
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error.message")).contains("reconnect the account");
        connection = leaked;
        given().get("/api/v1/connections/" + connection).then().body("authStatus", equalTo("needs_reauthorization"));
    }
}
