package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.awaitRun;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.rowflow.run.RunExecutor;
import io.rowflow.testing.FakeApi;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * What a user's SQL can cost the node: values it builds are bounded before they are built; a run's native query stops
 * at once on cancel, on the flow's time limit and when its flow is deleted; one workspace's long runs leave a slot
 * for another's; a preview's spill folder is its own.
 */
@QuarkusTest
class NativeWorkLimitsTest {
    /** About 10^12 rows: minutes of work on any machine, so only a stop ends it. */
    private static final String ENDLESS = "SELECT sum(range) AS s FROM range(1000000000000)";

    @ConfigProperty(name = "rowflow.storage.data-dir")
    String dataDir;
    @Inject
    RunExecutor executor;

    private static Map<String, Object> flow(String connection, String query, String timeout) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "native work", "sources", List.of(Map.of("connectionId",
                connection, "steps", List.of(Map.of("type", "sql", "query", query)))), "destinations",
                List.of(Map.of("type", "excel"))));
        if (timeout != null) {
            body.put("timeout", timeout);
        }
        return body;
    }

    private static String connection(RequestSpecification as, String name) {
        FakeApi.shared().putFile("/files/" + name + ".csv", "a\n1\n");
        return as.contentType(ContentType.JSON).body(Map.of("name", name, "connectorId", "csv-url", "config",
                Map.of("url", FakeApi.shared().url("/files/" + name + ".csv")))).post("/api/v1/connections").then()
                .statusCode(201).extract().path("id");
    }

    private static String createFlow(RequestSpecification as, String connection, String query, String timeout) {
        return as.contentType(ContentType.JSON).body(flow(connection, query, timeout)).post("/api/v1/flows").then()
                .statusCode(201).extract().path("id");
    }

    private static String start(RequestSpecification as, String flow) {
        return as.post("/api/v1/flows/" + flow + "/runs").then().statusCode(202).extract().path("id");
    }

    /** Waits until the run's log says it is transforming: its native query is under way. */
    private static void awaitTransforming(String run) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (given().get("/api/v1/runs/" + run + "/log").asString().contains("Transforming")) {
                Thread.sleep(200); // the statement itself has started
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + run + " never started its transform");
    }

    private static long residentMegabytes() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElseThrow();
    }

    @Test
    void valuesTooLargeToBuildAreRefusedBeforeTheyAreBuilt() throws Exception {
        String connection = connection(given(), "huge");
        long before = residentMegabytes();
        List<CompletableFuture<Response>> previews = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            previews.add(CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON).body(flow(connection,
                    "SELECT length(repeat('x', 1000000000)) AS n", null)).post("/api/v1/flows/preview")));
        }
        for (CompletableFuture<Response> preview : previews) {
            preview.get().then().statusCode(422).body("errors[0].field", equalTo("sources[0].steps[0].query"))
                    .body("errors[0].message", containsString("repeat(…) builds a value as large as its argument 2"));
        }
        assertThat(residentMegabytes() - before).as("resident memory growth in MB").isLessThan(200);
        for (String query : List.of("SELECT lpad('a', 2000000000, 'b') AS v", "SELECT range(1, 900000000) AS v",
                "SELECT printf('%0999999999d', 1) AS v",
                "WITH RECURSIVE t(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM t) SELECT length(s) FROM t")) {
            given().contentType(ContentType.JSON).body(flow(connection, query, null)).post("/api/v1/flows/preview")
                    .then().statusCode(422).body("errors[0].field", equalTo("sources[0].steps[0].query"));
        }
        // Small values, and range(…) as a streamed table, stay allowed.
        given().contentType(ContentType.JSON).body(flow(connection, "SELECT repeat('ab', 3) AS v, count(*) AS n FROM"
                + " range(1000) GROUP BY ALL", null)).post("/api/v1/flows/preview").then().statusCode(200)
                .body("rows[0][0]", equalTo("ababab")).body("rows[0][1]", equalTo(1000));
    }

    @Test
    void cancelStopsTheNativeQueryAtOnceAndFreesTheSlot() throws Exception {
        String connection = connection(given(), "cancel");
        String flow = createFlow(given(), connection, ENDLESS, null);
        String run = start(given(), flow);
        awaitTransforming(run);
        Instant cancelled = Instant.now();
        given().post("/api/v1/runs/" + run + "/cancel").then().statusCode(200);
        JsonPath ended = awaitRun(run);
        // The query never ends by itself; the bound only leaves room for a loaded 2-core machine.
        assertThat(Duration.between(cancelled, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(ended.getString("status")).isEqualTo("cancelled");
        awaitStopped(run, Duration.ofMillis(500));
        // The slot is free again: a quick flow on the same connection runs.
        String quick = createFlow(given(), connection, "SELECT a FROM input", null);
        assertThat(awaitRun(start(given(), quick)).getString("status")).isEqualTo("succeeded");
        // Who started and who cancelled it is in the workspace's audit log.
        List<String> audited = given().get("/api/v1/audit?size=50").jsonPath().getList("findAll { it.target == 'run:"
                + run + "' }.action");
        assertThat(audited).containsExactlyInAnyOrder("run.started", "run.cancelled");
    }

    @Test
    void aFlowsTimeLimitStopsItsRun() {
        String connection = connection(given(), "timeout");
        String flow = createFlow(given(), connection, ENDLESS, "PT2S");
        Instant started = Instant.now();
        JsonPath ended = awaitRun(start(given(), flow));
        assertThat(ended.getString("status")).isEqualTo("failed");
        assertThat(ended.getString("error.message")).contains("time limit of 2 s (the flow's timeout, PT2S)");
        assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void deletingAFlowStopsItsRun() throws Exception {
        String connection = connection(given(), "deleted");
        String flow = createFlow(given(), connection, ENDLESS, null);
        String run = start(given(), flow);
        awaitTransforming(run);
        given().delete("/api/v1/flows/" + flow).then().statusCode(204);
        given().get("/api/v1/runs/" + run).then().statusCode(404);
        awaitStopped(run, Duration.ofSeconds(3));
    }

    /** Waits until the run no longer executes on this node (its thread let go of its slot). */
    private void awaitStopped(String run, Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        while (executor.executing().contains(UUID.fromString(run))) {
            assertThat(Instant.now()).as("run %s still executing", run).isBefore(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void oneWorkspacesLongRunsLeaveASlotForAnother() throws Exception {
        String other = given().contentType(ContentType.JSON).body(Map.of("name", "busy neighbour"))
                .post("/api/v1/workspaces").then().statusCode(201).extract().path("id");
        List<String> long_ = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RequestSpecification busy = given().header("Rowflow-Workspace", other);
            long_.add(start(given().header("Rowflow-Workspace", other), createFlow(busy, connection(
                    given().header("Rowflow-Workspace", other), "busy-" + i), ENDLESS, "PT60S")));
        }
        try {
            // Three of them hold slots (a workspace's share: all but one of the node's four); the fourth waits.
            Instant deadline = Instant.now().plusSeconds(30);
            while (long_.stream().filter(r -> given().header("Rowflow-Workspace", other).get("/api/v1/runs/" + r + "/log")
                    .asString().contains("Transforming")).count() < 3) {
                assertThat(Instant.now()).as("three long runs transforming").isBefore(deadline);
                Thread.sleep(100);
            }
            assertThat(long_.stream().filter(r -> given().header("Rowflow-Workspace", other).get("/api/v1/runs/" + r)
                    .jsonPath().getString("status").equals("queued")).count()).isEqualTo(1);
            String mine = createFlow(given(), connection(given(), "mine"), "SELECT a FROM input", null);
            Instant started = Instant.now();
            assertThat(awaitRun(start(given(), mine)).getString("status")).isEqualTo("succeeded");
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(10));
        } finally {
            for (String run : long_) {
                given().header("Rowflow-Workspace", other).post("/api/v1/runs/" + run + "/cancel");
            }
            Instant deadline = Instant.now().plusSeconds(10);
            for (String run : long_) {
                while (!given().header("Rowflow-Workspace", other).get("/api/v1/runs/" + run).jsonPath()
                        .getString("status").equals("cancelled")) {
                    assertThat(Instant.now()).as("run %s cancelled", run).isBefore(deadline);
                    Thread.sleep(50);
                }
            }
        }
    }

    @Test
    void aPreviewCannotReadAnotherPreviewsFolder() throws Exception {
        Path others = Path.of(dataDir).toAbsolutePath().resolve("previews").resolve("preview-someone-else");
        Files.createDirectories(others);
        Files.writeString(others.resolve("spill.tmp"), "another workspace's rows");
        // The shared folder DuckDB used before each preview had its own.
        Path shared = Path.of(".tmp").toAbsolutePath();
        Files.createDirectories(shared);
        Files.writeString(shared.resolve("spill.tmp"), "another workspace's rows");
        String connection = connection(given(), "spy");
        for (String query : List.of("SELECT count(*) AS n FROM glob('" + others + "/*')",
                "SELECT content FROM read_blob('" + others.resolve("spill.tmp") + "')",
                "SELECT count(*) AS n FROM glob('" + shared + "/*')",
                "SELECT content FROM read_text('.tmp/spill.tmp')")) {
            given().contentType(ContentType.JSON).body(flow(connection, query, null)).post("/api/v1/flows/preview")
                    .then().statusCode(422).body("errors[0].field", equalTo("sources[0].steps[0].query"));
        }
        try (var left = Files.list(Path.of(dataDir).resolve("previews"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("preview-someone-else");
        }
    }
}
