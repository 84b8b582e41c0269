package io.rowflow.schedule;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scheduler drives flows: each slot gives exactly one run (or one skipped entry while the flow still runs), a
 * paused or deleted flow fires nothing, and after downtime a flow runs once, not once per missed slot. Slots here are
 * every second or two, through a cron schedule (seconds first).
 */
@QuarkusTest
class ScheduledRunsTest {
    @Inject
    ScheduleEngine engine;

    private static String flow(String path, Map<String, Object> schedule) {
        String connection = Api.createConnection("csv-url", Map.of("url", FakeApi.shared().url(path)));
        Map<String, Object> body = new HashMap<>(Map.of("name", "scheduled", "sources", List.of(Map.of("connectionId",
                connection)), "destinations", List.of(Map.of("type", "excel", "settings", Map.of()))));
        body.put("schedule", schedule);
        return given().contentType(ContentType.JSON).body(body).post("/api/v1/flows").then().statusCode(201).extract()
                .path("id");
    }

    private static List<Map<String, Object>> runs(String flow) {
        JsonPath page = given().get("/api/v1/flows/" + flow + "/runs?size=200").then().statusCode(200).extract().jsonPath();
        return page.getList("items");
    }

    private static void put(String flow, String path, Map<String, Object> schedule) {
        String connection = given().get("/api/v1/flows/" + flow).then().extract().path("sources[0].connectionId");
        Map<String, Object> body = new HashMap<>(Map.of("name", "scheduled", "sources", List.of(Map.of("connectionId",
                connection)), "destinations", List.of(Map.of("type", "excel", "settings", Map.of()))));
        body.put("schedule", schedule);
        given().contentType(ContentType.JSON).body(body).put("/api/v1/flows/" + flow).then().statusCode(200);
    }

    @Test
    void eachSlotGivesOneRunAndAPausedFlowFiresNothing() throws Exception {
        FakeApi.shared().putFile("/files/scheduled.csv", "id\n1\n2\n");
        Map<String, Object> everySecond = Map.of("preset", "cron", "cron", "* * * * * ?", "timezone", "Europe/Berlin");
        String flow = flow("/files/scheduled.csv", everySecond);
        assertThat(engine.nextSlot(java.util.UUID.fromString(flow))).isPresent();
        Thread.sleep(4_500);
        put(flow, "/files/scheduled.csv", Map.of("preset", "cron", "cron", "* * * * * ?", "paused", true));
        assertThat(engine.nextSlot(java.util.UUID.fromString(flow))).isEmpty();
        List<Map<String, Object>> runs = runs(flow);
        assertThat(runs).hasSizeGreaterThanOrEqualTo(3).allSatisfy(run -> {
            assertThat(run.get("trigger")).isEqualTo("schedule");
            assertThat(run.get("status")).isIn("queued", "running", "succeeded", "skipped");
        });
        List<Object> slots = runs.stream().map(r -> r.get("scheduledFor")).toList();
        assertThat(slots).doesNotHaveDuplicates().allSatisfy(s -> assertThat(Instant.parse((String) s).getNano()).isZero());
        Thread.sleep(2_000);
        assertThat(runs(flow)).hasSameSizeAs(runs);
    }

    @Test
    void aSlotThatComesWhileTheFlowRunsIsRecordedAsSkipped() throws Exception {
        String flow = flow("/slow.csv?ms=2500", Map.of("preset", "cron", "cron", "* * * * * ?"));
        Thread.sleep(4_200);
        List<Map<String, Object>> runs = runs(flow);
        put(flow, "/slow.csv?ms=2500", Map.of("preset", "cron", "cron", "* * * * * ?", "paused", true));
        assertThat(runs.stream().filter(r -> r.get("status").equals("skipped"))).isNotEmpty()
                .allSatisfy(r -> assertThat(((Map<?, ?>) r.get("error"))).isNull());
        long open = runs.stream().filter(r -> List.of("queued", "running").contains(r.get("status"))).count();
        assertThat(open).isLessThanOrEqualTo(1);
    }

    @Test
    void afterDowntimeAFlowRunsOnceNotOncePerMissedSlot() throws Exception {
        FakeApi.shared().putFile("/files/downtime.csv", "id\n1\n");
        // The whole cluster is down before the flow's first slot: a slot this node had already claimed when standby
        // began would still fire.
        engine.standby();
        String flow;
        try {
            flow = flow("/files/downtime.csv", Map.of("preset", "cron", "cron", "*/2 * * * * ?"));
            Thread.sleep(7_000); // three or four slots pass, and the misfire threshold (1 s in tests)
            assertThat(runs(flow)).isEmpty();
        } finally {
            engine.resume();
        }
        Thread.sleep(1_000); // back up: the late slot fires at once, the next one is 2 s away at most
        put(flow, "/files/downtime.csv", Map.of("preset", "cron", "cron", "*/2 * * * * ?", "paused", true));
        List<Map<String, Object>> runs = runs(flow);
        assertThat(runs).hasSizeBetween(1, 2);
    }
}
