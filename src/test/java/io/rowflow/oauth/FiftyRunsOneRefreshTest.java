package io.rowflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeHubSpot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Fifty runs at once through one HubSpot connection whose access token has expired: one refresh call at the provider,
 * and every run succeeds with the refreshed token. The node runs fifty at once here (a profile of its own: the other
 * tests keep the per-connection limit of two that serialises runs).
 */
@QuarkusTest
@QuarkusTestResource(FakeHubSpot.class)
@TestProfile(FiftyRunsOneRefreshTest.FiftyAtOnce.class)
class FiftyRunsOneRefreshTest {
    public static final class FiftyAtOnce implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rowflow.run.max-concurrent-runs", "50", "rowflow.run.max-concurrent-runs-per-connection", "50");
        }
    }

    @Test
    void fiftyConcurrentRunsNeedingARefreshMakeOneRefreshCall() throws Exception {
        FakeHubSpot hubspot = FakeHubSpot.running();
        hubspot.oauth.accessLifetimeSeconds = 2;
        try {
            String connection = OAuthSignInTest.connectionOf(OAuthSignInTest.connect(Api.signIn(Api.ADMIN_EMAIL,
                    Api.ADMIN_PASSWORD), "Fifty runs"));
            hubspot.oauth.accessLifetimeSeconds = 600; // the refreshed token outlives the fifty runs
            List<String> flows = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                flows.add(Api.createStreamFlow("owners " + i, connection, "owners"));
            }
            Thread.sleep(2_500); // the access token has expired
            int before = hubspot.oauth.refreshes.get();
            ExecutorService pool = Executors.newFixedThreadPool(50);
            List<Future<JsonPath>> runs = new ArrayList<>();
            for (String flow : flows) {
                runs.add(pool.submit(() -> Api.runToEnd(flow)));
            }
            List<java.time.Instant[]> spans = new ArrayList<>();
            for (Future<JsonPath> run : runs) {
                JsonPath ended = run.get();
                spans.add(new java.time.Instant[] { java.time.Instant.parse(ended.getString("startedAt")),
                        java.time.Instant.parse(ended.getString("endedAt")) });
                assertThat(ended.getString("status")).as(ended.prettify()).isEqualTo("succeeded");
                assertThat(ended.getLong("destinations[0].rowsWritten")).isEqualTo(FakeHubSpot.OWNERS);
            }
            pool.shutdown();
            // They ran at once: when the first run ended, most of the others had started.
            java.time.Instant firstEnd = spans.stream().map(span -> span[1]).min(java.util.Comparator.naturalOrder())
                    .orElseThrow();
            assertThat(spans.stream().filter(span -> span[0].isBefore(firstEnd)).count()).as("runs under way at once")
                    .isGreaterThanOrEqualTo(25);
            assertThat(hubspot.oauth.refreshes.get() - before).as("refresh calls for 50 concurrent runs").isEqualTo(1);
            hubspot.oauth.refreshTokens().forEach(Api.SECRETS_USED::add);
        } finally {
            hubspot.oauth.accessLifetimeSeconds = 1800;
        }
    }
}
