package io.rowflow.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeHubSpot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
            return Map.of("rowflow.run.max-concurrent-runs", "50", "rowflow.run.max-concurrent-runs-per-connection", "50",
                    "rowflow.run.max-concurrent-runs-per-workspace", "50");
        }
    }

    @Test
    void fiftyConcurrentRunsNeedingARefreshMakeOneRefreshCall() throws Exception {
        FakeHubSpot hubspot = FakeHubSpot.running();
        try {
            List<java.time.Instant[]> spans = new ArrayList<>();
            for (JsonPath ended : OAuthSignInTest.runsAtOnceWithAnExpiredToken(hubspot, 50)) {
                assertThat(ended.getString("status")).as(ended.prettify()).isEqualTo("succeeded");
                assertThat(ended.getLong("destinations[0].rowsWritten")).isEqualTo(FakeHubSpot.OWNERS);
                spans.add(new java.time.Instant[] { java.time.Instant.parse(ended.getString("startedAt")),
                        java.time.Instant.parse(ended.getString("endedAt")) });
            }
            // They ran at once: when the first run ended, most of the others had started.
            java.time.Instant firstEnd = spans.stream().map(span -> span[1]).min(java.util.Comparator.naturalOrder())
                    .orElseThrow();
            assertThat(spans.stream().filter(span -> span[0].isBefore(firstEnd)).count()).as("runs under way at once")
                    .isGreaterThanOrEqualTo(25);
        } finally {
            hubspot.oauth.accessLifetimeSeconds = 1800;
        }
    }
}
