package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.awaitRun;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeApi;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Incoming webhooks: calls coalesce into one run, a call during a run asks for one more, secrets rotate, limits hold. */
@QuarkusTest
class WebhookTest {
    static String flowOn(String path) {
        FakeApi.shared().putFile(path, "a\n1\n");
        return createExcelFlow(createConnection("csv-url", Map.of("url", FakeApi.shared().url(path))), Map.of());
    }

    static JsonPath hook(String url) {
        return given().contentType("application/json").body("{\"event\":\"contact.updated\"}").post(url).then()
                .statusCode(202).extract().jsonPath();
    }

    static List<Map<String, Object>> runs(String flow) {
        return given().get("/api/v1/flows/" + flow + "/runs").then().statusCode(200).extract().jsonPath().getList("items");
    }

    @Test
    void aBurstOfCallsIsOneRunAndACallDuringARunIsOneMore() throws InterruptedException {
        String flow = flowOn("/files/hooked.csv");
        JsonPath webhook = given().post("/api/v1/flows/" + flow + "/webhook").then().statusCode(200)
                .body("url", containsString("/api/v1/hooks/")).body("secret", notNullValue()).extract().jsonPath();
        String url = webhook.getString("url");

        JsonPath first = hook(url);
        assertThat(first.getBoolean("coalesced")).isFalse();
        String runId = first.getString("run.id");
        for (int i = 0; i < 2; i++) {
            JsonPath joined = hook(url);
            assertThat(joined.getBoolean("coalesced")).isTrue();
            assertThat(joined.getString("run.id")).isEqualTo(runId);
        }
        JsonPath ended = awaitRun(runId);
        assertThat(ended.getString("status")).isEqualTo("succeeded");
        assertThat(ended.getString("trigger")).isEqualTo("webhook");
        assertThat(runs(flow)).hasSize(1);

        // The next run waits 2 s on a 429 from the source; a call meanwhile asks for one more run after it.
        FakeApi.shared().failNext("/files/hooked.csv", 1, new FakeApi.Failure(429, "2", "{}"));
        int before = FakeApi.shared().hits("/files/hooked.csv");
        String second = hook(url).getString("run.id");
        for (int i = 0; i < 200 && FakeApi.shared().hits("/files/hooked.csv") == before; i++) {
            Thread.sleep(25);
        }
        JsonPath duringRun = hook(url);
        assertThat(duringRun.getBoolean("coalesced")).isTrue();
        assertThat(duringRun.getString("run.status")).isEqualTo("running");
        assertThat(awaitRun(second).getString("status")).isEqualTo("succeeded");
        for (int i = 0; i < 400 && runs(flow).size() < 3; i++) {
            Thread.sleep(25);
        }
        List<Map<String, Object>> all = runs(flow);
        assertThat(all).hasSize(3);
        assertThat(awaitRun((String) all.get(0).get("id")).getString("status")).isEqualTo("succeeded");
        assertThat(all).allMatch(run -> "webhook".equals(run.get("trigger")));
    }

    @Test
    void aNewSecretRetiresTheOldOneAndTurningItOffWorksAtOnce() {
        String flow = flowOn("/files/rotated.csv");
        String old = given().post("/api/v1/flows/" + flow + "/webhook").then().extract().path("url");
        String fresh = given().post("/api/v1/flows/" + flow + "/webhook").then().extract().path("url");
        assertThat(fresh).isNotEqualTo(old);
        given().post(old).then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("No webhook at this address"));
        awaitRun(hook(fresh).getString("run.id"));
        given().delete("/api/v1/flows/" + flow + "/webhook").then().statusCode(204);
        given().post(fresh).then().statusCode(404);
    }

    @Test
    void callsBeyondTheLimitAnswer429WithRetryAfter() {
        String flow = flowOn("/files/limited.csv");
        String url = given().post("/api/v1/flows/" + flow + "/webhook").then().extract().path("url");
        for (int i = 0; i < 8; i++) {
            hook(url);
        }
        given().post(url).then().statusCode(429).contentType("application/problem+json")
                .header("Retry-After", notNullValue()).body("type", equalTo("urn:rowflow:problem:rate-limited"));
        awaitRun(runs(flow).get(0).get("id").toString());
    }
}
