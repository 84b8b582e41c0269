package io.rowflow.run;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.awaitRun;
import static io.rowflow.testing.Api.createConnection;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeApi;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How runs behave under pressure: a failure that may pass (the API down for longer than the request retries cover)
 * starts the run again after a doubling wait, as often as the flow allows, while a failure that will not pass fails at
 * once; and runs reading through one connection never exceed its limit (2 in tests), the others waiting their turn.
 */
@QuarkusTest
class RunPolicyTest {
    private static String flow(String connection, Integer retries) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "policy", "sources", List.of(Map.of("connectionId", connection)),
                "destinations", List.of(Map.of("type", "excel", "settings", Map.of()))));
        if (retries != null) {
            body.put("retries", retries);
        }
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/flows").then().statusCode(201).extract()
                .path("id");
    }

    private static List<String> log(String run) {
        return given().get("/api/v1/runs/" + run + "/log").then().extract().path("message");
    }

    @Test
    void aPassingFailureStartsTheRunAgainAndAPermanentOneDoesNot() {
        FakeApi api = FakeApi.shared();
        api.putFile("/files/flaky.csv", "id\n1\n2\n");
        String flaky = flow(createConnection("csv-url", Map.of("url", api.url("/files/flaky.csv"))), 2);
        // Every request of the first attempt answers 503 (the client tries 5 times); the retry finds the API back.
        // Started by a webhook: a run started by hand is not started again (below).
        api.failNext("/files/flaky.csv", 5, new FakeApi.Failure(503, null, "{\"error\":\"maintenance\"}"));
        String run = io.rowflow.testing.Api.startRunByWebhook(flaky);
        JsonPath done = awaitRun(run);
        assertThat(done.getString("status")).isEqualTo("succeeded");
        assertThat(done.getLong("destinations[0].rowsWritten")).isEqualTo(2);
        assertThat(log(run)).anyMatch(l -> l.contains("this may pass, so the run starts again"))
                .anyMatch(l -> l.startsWith("Retry 1 of the run started"));

        // Started by hand, the same outage fails the run at once, and the log says why it is not started again.
        api.failNext("/files/flaky.csv", 5, new FakeApi.Failure(503, null, "{\"error\":\"maintenance\"}"));
        int hits = api.hits("/files/flaky.csv");
        String byHand = given().post("/api/v1/flows/" + flaky + "/runs").then().statusCode(202).extract().path("id");
        JsonPath handFailed = awaitRun(byHand);
        assertThat(handFailed.getString("status")).isEqualTo("failed");
        assertThat(handFailed.getString("error.message")).contains("answered HTTP 503")
                .containsPattern("; gave up after 5 attempts over \\d+\\.\\d s$");
        assertThat(api.hits("/files/flaky.csv") - hits).as("requests: one run's five attempts").isEqualTo(5);
        assertThat(log(byHand)).noneMatch(l -> l.contains("starts again")).anyMatch(l -> l.equals("The run was started"
                + " by hand, so it is not started again; runs started by a schedule, a webhook or another flow are, up to"
                + " 2 more time(s)"));

        // Without retries the same outage fails the run, and says why.
        String once = flow(createConnection("csv-url", Map.of("url", api.url("/files/flaky.csv"))), 0);
        api.failNext("/files/flaky.csv", 5, new FakeApi.Failure(503, null, "{\"error\":\"maintenance\"}"));
        JsonPath failed = awaitRun(given().post("/api/v1/flows/" + once + "/runs").then().extract().path("id"));
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getString("error.message")).contains("503");

        // A missing file will not come back by waiting: no retry even when the flow allows them.
        String missing = flow(createConnection("csv-url", Map.of("url", api.url("/files/never-there.csv"))), 2);
        String missingRun = given().post("/api/v1/flows/" + missing + "/runs").then().extract().path("id");
        assertThat(awaitRun(missingRun).getString("status")).isEqualTo("failed");
        assertThat(log(missingRun)).noneMatch(l -> l.contains("starts again"));
    }

    /**
     * A server that takes 30 s to answer: a cancel, and a flow's time limit, stop the run while it waits on the
     * network, not once the answer comes (a blocking read ignores thread interrupts; the request is aborted).
     */
    @Test
    void aRunWaitingOnASilentServerStopsWhenCancelledOrOutOfTime() {
        String silent = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/slow.csv?ms=30000")));
        String flow = flow(silent, 0);
        String run = given().post("/api/v1/flows/" + flow + "/runs").then().statusCode(202).extract().path("id");
        awaitStatus(run, "running");
        given().post("/api/v1/runs/" + run + "/cancel").then().statusCode(200);
        JsonPath cancelled = awaitRun(run);
        assertThat(cancelled.getString("status")).isEqualTo("cancelled");
        assertThat(cancelled.getLong("durationMillis")).as("ended before the server answered").isLessThan(20_000);

        Map<String, Object> body = new HashMap<>(Map.of("name", "limited", "sources", List.of(Map.of("connectionId", silent)),
                "destinations", List.of(Map.of("type", "excel", "settings", Map.of())), "timeout", "PT2S"));
        String limited = given().contentType(ContentType.JSON).body(body).post("/api/v1/flows").then().statusCode(201)
                .extract().path("id");
        JsonPath timedOut = awaitRun(given().post("/api/v1/flows/" + limited + "/runs").then().extract().path("id"));
        assertThat(timedOut.getString("status")).isEqualTo("failed");
        assertThat(timedOut.getString("error.message")).contains("time limit");
        assertThat(timedOut.getLong("durationMillis")).as("ended before the server answered").isLessThan(20_000);
    }

    private static void awaitStatus(String run, String status) {
        for (int i = 0; i < 200; i++) {
            if (status.equals(given().get("/api/v1/runs/" + run).then().extract().path("status"))) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("run " + run + " never became " + status);
    }

    @Test
    void runsOnOneConnectionStayWithinItsLimit() throws Exception {
        String connection = createConnection("csv-url", Map.of("url", FakeApi.shared().url("/slow.csv?ms=1200")));
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String flow = flow(connection, null);
            runs.add(given().post("/api/v1/flows/" + flow + "/runs").then().statusCode(202).extract().path("id"));
        }
        int most = 0;
        for (int i = 0; i < 100; i++) {
            List<String> statuses = new ArrayList<>();
            for (String run : runs) {
                statuses.add(given().get("/api/v1/runs/" + run).then().extract().path("status"));
            }
            int running = (int) statuses.stream().filter("running"::equals).count();
            most = Math.max(most, running);
            assertThat(running).as("runs reading through the connection at once: %s", statuses).isLessThanOrEqualTo(2);
            if (statuses.stream().allMatch("succeeded"::equals)) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(most).isEqualTo(2);
        for (String run : runs) {
            assertThat(awaitRun(run).getString("status")).isEqualTo("succeeded");
        }
    }
}
