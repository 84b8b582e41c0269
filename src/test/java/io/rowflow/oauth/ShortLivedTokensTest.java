package io.rowflow.oauth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeHubSpot;
import io.rowflow.testing.StreamReads;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A provider whose access tokens live 5 s, less than the refresh margin (60 s, the default, in a profile of its own):
 * the margin shrinks to a quarter of the tokens' lifetime, so reading for 12 s refreshes about once per expiry instead
 * of before every request. And editing the signed-in connection keeps when its token expires.
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
@TestProfile(ShortLivedTokensTest.DefaultMargin.class)
class ShortLivedTokensTest {
    public static final class DefaultMargin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rowflow.oauth.refresh-margin", "60s");
        }
    }

    @Test
    void fiveSecondTokensAreRefreshedAboutOncePerExpiryNotPerRequest() throws Exception {
        FakeHubSpot hubspot = FakeHubSpot.running();
        hubspot.oauth.accessLifetimeSeconds = 5;
        try {
            String id = OAuthSignInTest.connectionOf(OAuthSignInTest.connect(Api.signIn(Api.ADMIN_EMAIL,
                    Api.ADMIN_PASSWORD), "Five-second tokens"));
            int refreshesBefore = hubspot.oauth.refreshes.get();
            int requestsBefore = hubspot.requestTimes.size();
            long start = System.nanoTime();
            int reads = 0;
            while (System.nanoTime() - start < 12_000_000_000L) {
                assertThat(StreamReads.read(id, "owners", null)).hasSize(FakeHubSpot.OWNERS);
                reads++;
                Thread.sleep(200); // spread over the 12 s, within HubSpot's 100 per 10 s
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int refreshes = hubspot.oauth.refreshes.get() - refreshesBefore;
            int requests = hubspot.requestTimes.size() - requestsBefore - refreshes;
            System.out.printf("5-s tokens: %d reads, %d API requests, %d refreshes in %.1f s%n", reads, requests,
                    refreshes, seconds);
            // Refreshed when a quarter of the 5 s is left: every 3.75 s or so, 3 or 4 times in 12 s (not per request).
            assertThat(refreshes).as("refreshes for %d requests in %.1f s", requests, seconds)
                    .isBetween((int) (seconds / 5) - 1, (int) (seconds / 3.75) + 1);
            assertThat(requests).isGreaterThan(10 * refreshes);
            hubspot.oauth.refreshTokens().forEach(Api.SECRETS_USED::add);

            // An edit (a new name, the settings as the form sends them back) keeps the token's expiry.
            String expiresAt = given().get("/api/v1/connections/" + id).then().statusCode(200).extract()
                    .path("config.expires_at");
            assertThat(expiresAt).isNotNull();
            Api.updateConnection(id, "hubspot", Map.of("properties", ""));
            given().get("/api/v1/connections/" + id).then().statusCode(200)
                    .body("config.expires_at", org.hamcrest.Matchers.equalTo(expiresAt));
        } finally {
            hubspot.oauth.accessLifetimeSeconds = 1800;
        }
    }
}
