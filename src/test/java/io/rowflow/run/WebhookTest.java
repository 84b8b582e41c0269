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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
    void onlyIfChangedLeavesTheDestinationAloneWhenTheDataIsTheSame() throws Exception {
        FakeApi.shared().putFile("/files/steady.csv", "a,b\n1,x\n");
        String connection = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/steady.csv")));
        String flow = given().contentType("application/json").body(Map.of("name", "steady",
                "sources", List.of(Map.of("connectionId", connection)), "destinations", List.of(Map.of("type", "excel")),
                "onlyIfChanged", true)).post("/api/v1/flows").then().statusCode(201)
                .body("onlyIfChanged", equalTo(true)).extract().path("id");
        String url = given().post("/api/v1/flows/" + flow + "/webhook").then().extract().path("url");
        Path file = Path.of("target/test-data/files", flow, "0", "workbook.xlsx");

        JsonPath first = awaitRun(hook(url).getString("run.id"));
        assertThat(first.getBoolean("unchanged")).isFalse();
        FileTime written = Files.getLastModifiedTime(file);

        JsonPath same = awaitRun(hook(url).getString("run.id"));
        assertThat(same.getString("status")).isEqualTo("succeeded");
        assertThat(same.getBoolean("unchanged")).isTrue();
        assertThat(same.getList("destinations")).isEmpty();
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(written);

        FakeApi.shared().putFile("/files/steady.csv", "a,b\n1,x\n2,y\n");
        JsonPath changed = awaitRun(hook(url).getString("run.id"));
        assertThat(changed.getBoolean("unchanged")).isFalse();
        assertThat(changed.getLong("destinations[0].rowsWritten")).isEqualTo(2);
        // A run started by hand always writes.
        assertThat(awaitRun(given().post("/api/v1/flows/" + flow + "/runs").then().statusCode(202).extract().path("id"))
                .getBoolean("unchanged")).isFalse();
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
