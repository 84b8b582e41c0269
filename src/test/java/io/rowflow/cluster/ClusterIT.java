package io.rowflow.cluster;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Three Rowflow processes (the packaged jar, separate JVMs and ports) on one PostgreSQL database, 200 flows scheduled
 * every minute, for three minutes. Two seconds after the first slot, while its runs are in flight, one node is killed
 * with SIGKILL; two seconds after the second, another is frozen with SIGSTOP for longer than a lease, then resumed.
 * Every slot has exactly one run entry (none lost; the database key forbids two), every run succeeds, no run writes its
 * workbook twice, and the work was shared among the nodes. Last, a node stopped gracefully (SIGTERM) in the middle of a
 * run hands it back, and another node finishes it.
 */
class ClusterIT {
    static final String DB = "rowflow_cluster";
    static final String BASE = "jdbc:postgresql://127.0.0.1:5432/";
    static final int FLOWS = 200;
    static final int SLOTS = 3;
    static final List<Process> NODES = new ArrayList<>();

    @AfterAll
    static void stopNodes() {
        NODES.forEach(p -> {
            resume(p);
            p.destroyForcibly();
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Process start(int index, int port) throws IOException {
        Path dir = Path.of("target/cluster/node" + index);
        Files.createDirectories(dir);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dquarkus.http.port=" + port, "-jar", "target/quarkus-app/quarkus-run.jar");
        Map<String, String> env = builder.environment();
        env.put("ROWFLOW_DB_KIND", "postgresql");
        env.put("ROWFLOW_DB_URL", BASE + DB);
        env.put("ROWFLOW_DB_USERNAME", "postgres");
        // One data folder for all nodes, as a shared (ReadWriteMany) volume in Kubernetes.
        env.put("ROWFLOW_STORAGE_DATA_DIR", Path.of("target/cluster/data").toString());
        env.put("ROWFLOW_MASTER_KEY", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=");
        env.put("ROWFLOW_ADMIN_EMAIL", Api.ADMIN_EMAIL);
        env.put("ROWFLOW_ADMIN_PASSWORD", Api.ADMIN_PASSWORD);
        env.put("ROWFLOW_HTTP_ALLOWED_NETWORKS", "127.0.0.0/8");
        env.put("ROWFLOW_RUN_LEASE", "6s");
        env.put("ROWFLOW_RUN_HEARTBEAT_INTERVAL", "1s");
        env.put("ROWFLOW_SCHEDULE_HEARTBEAT_INTERVAL", "1s");
        env.put("ROWFLOW_SCHEDULE_MISFIRE_THRESHOLD", "30s");
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile());
        Process process = builder.start();
        NODES.add(process);
        return process;
    }

    private static void awaitReady(int port) throws Exception {
        for (int i = 0; i < 240; i++) {
            try {
                if (given().baseUri("http://127.0.0.1").port(port).get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new AssertionError("node on port " + port + " did not become ready");
    }

    private static void signal(Process process, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void resume(Process process) {
        if (process.isAlive()) {
            signal(process, "CONT");
        }
    }

    @Test
    void everySlotRunsExactlyOnceWhileNodesDieAndFreeze() throws Exception {
        try (Connection admin = DriverManager.getConnection(BASE + "test", "postgres", "");
                Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DB);
        }
        int[] ports = { freePort(), freePort(), freePort() };
        start(1, ports[0]);
        awaitReady(ports[0]); // the first node migrates the schema; the others find it done
        Process second = start(2, ports[1]);
        Process third = start(3, ports[2]);
        awaitReady(ports[1]);
        awaitReady(ports[2]);

        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = ports[0];
        String token = Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD);
        FakeApi api = FakeApi.shared();
        api.putFile("/files/cluster.csv", "id,name\n1,a\n2,b\n3,c\n");
        List<String> flows = new ArrayList<>();
        for (int i = 0; i < FLOWS; i++) {
            String connection = given().spec(Api.bearer(token)).contentType(ContentType.JSON)
                    .body(Map.of("name", "c" + i, "connectorId", "csv-url", "config", Map.of("url", api.url("/files/cluster.csv"))))
                    .post("/api/v1/connections").then().statusCode(201).extract().path("id");
            Map<String, Object> body = new HashMap<>(Map.of("name", "f" + i, "sources", List.of(Map.of("connectionId", connection)),
                    "destinations", List.of(Map.of("type", "excel", "settings", Map.of()))));
            body.put("schedule", Map.of("preset", "cron", "cron", "0 * * * * ?"));
            flows.add(given().spec(Api.bearer(token)).contentType(ContentType.JSON).body(body).post("/api/v1/flows")
                    .then().statusCode(201).extract().path("id"));
        }
        // The first whole minute that every flow's trigger is surely set for.
        Instant from = Instant.ofEpochSecond((Instant.now().plusSeconds(5).getEpochSecond() / 60 + 1) * 60);
        Instant to = from.plusSeconds(60L * (SLOTS - 1));
        sleepUntil(from.plusSeconds(2));
        second.destroyForcibly(); // kill -9 while the first slot's runs are in flight
        sleepUntil(from.plusSeconds(62));
        signal(third, "STOP"); // frozen longer than a lease (6 s) while the second slot's runs are in flight
        Thread.sleep(12_000);
        resume(third);
        sleepUntil(to.plusSeconds(5));
        // A slot may fire late on a loaded node (that is lateness, measured by the scheduler benchmark); only a slot
        // that never fires is lost. So the schedules are paused once every slot has its run, or after a minute.
        try (Connection db = DriverManager.getConnection(BASE + DB, "postgres", "")) {
            for (int i = 0; i < 120; i++) {
                if (count(db, "select count(*) from run where scheduled_for between '" + from + "' and '" + to + "'")
                        >= (long) FLOWS * SLOTS) {
                    break;
                }
                Thread.sleep(500);
            }
        }
        for (String flow : flows) { // stop the schedules, then let every run end (lapsed ones are taken over)
            Map<String, Object> body = new HashMap<>(given().spec(Api.bearer(token)).get("/api/v1/flows/" + flow).then()
                    .extract().jsonPath().getMap(""));
            body.keySet().retainAll(Set.of("name", "sources", "destinations"));
            body.put("schedule", Map.of("preset", "cron", "cron", "*/5 * * * * ?", "paused", true));
            given().spec(Api.bearer(token)).contentType(ContentType.JSON).body(body).put("/api/v1/flows/" + flow).then()
                    .statusCode(200);
        }

        try (Connection db = DriverManager.getConnection(BASE + DB, "postgres", "")) {
            long open = -1;
            for (int i = 0; i < 120 && open != 0; i++) {
                Thread.sleep(500);
                open = count(db, "select count(*) from run where status in ('QUEUED', 'RUNNING')");
            }
            assertThat(open).as("runs still open").isZero();

            Map<String, Set<Instant>> slots = new HashMap<>();
            Map<String, Long> byNode = new HashMap<>();
            List<String> bad = new ArrayList<>();
            try (Statement s = db.createStatement();
                    ResultSet rs = s.executeQuery("select flow_id, scheduled_for, status, node_id from run"
                            + " where scheduled_for is not null")) {
                while (rs.next()) {
                    Instant slot = rs.getTimestamp(2).toInstant();
                    slots.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(slot);
                    if (!Set.of("SUCCEEDED", "SKIPPED").contains(rs.getString(3))) {
                        bad.add(rs.getString(1) + "@" + slot + "=" + rs.getString(3));
                    }
                    if (rs.getString(4) != null) {
                        byNode.merge(rs.getString(4), 1L, Long::sum);
                    }
                }
            }
            List<String> lost = new ArrayList<>();
            for (String flow : flows) {
                for (Instant slot = from; !slot.isAfter(to); slot = slot.plusSeconds(60)) {
                    if (!slots.getOrDefault(flow, Set.of()).contains(slot)) {
                        lost.add(flow + "@" + slot);
                    }
                }
            }
            System.out.printf("Cluster: %d flows, slots %s..%s, runs by node %s%n", FLOWS, from, to, byNode);
            assertThat(lost).as("slots without a run").isEmpty();
            assertThat(slots.values().stream().mapToLong(Set::size).sum()).isGreaterThanOrEqualTo((long) FLOWS * SLOTS);
            assertThat(bad).as("runs that did not succeed").isEmpty();
            assertThat(byNode).as("nodes that ran something").hasSizeGreaterThanOrEqualTo(2);
            // Duplicates cannot exist (unique flow + slot); a run wrote its workbook at most once.
            assertThat(count(db, "select count(*) from (select run_id from run_log where message like 'Wrote %'"
                    + " group by run_id having count(*) > 1) twice")).isZero();
        }
        String frozenLog = Files.readString(Path.of("target/cluster/node3/node.log"));
        System.out.println("Frozen node fenced out of " + frozenLog.lines().filter(l -> l.contains("was taken over by")).count()
                + " run(s)");

        handsBackItsRunOnAGracefulStop(token, third, ports[2]);
    }

    /**
     * A graceful stop (SIGTERM, as Kubernetes sends when it moves a pod) of the node running a run: the node aborts the
     * run's request, hands the run back to the queue and exits; another node takes it and runs it to the end, once.
     */
    private static void handsBackItsRunOnAGracefulStop(String token, Process node, int port) throws Exception {
        String connection = given().spec(Api.bearer(token)).contentType(ContentType.JSON).body(Map.of("name", "slow",
                "connectorId", "csv-url", "config", Map.of("url", FakeApi.shared().url("/slow.csv?ms=4000"))))
                .post("/api/v1/connections").then().statusCode(201).extract().path("id");
        String flow = given().spec(Api.bearer(token)).contentType(ContentType.JSON).body(Map.of("name", "graceful stop",
                "sources", List.of(Map.of("connectionId", connection)),
                "destinations", List.of(Map.of("type", "excel", "settings", Map.of()))))
                .post("/api/v1/flows").then().statusCode(201).extract().path("id");
        String run = given().spec(Api.bearer(token)).port(port).post("/api/v1/flows/" + flow + "/runs").then()
                .statusCode(202).extract().path("id");
        try (Connection db = DriverManager.getConnection(BASE + DB, "postgres", "")) {
            String holder = null;
            for (int i = 0; i < 100 && holder == null; i++) {
                Thread.sleep(100);
                holder = text(db, "select node_id from run where status = 'RUNNING' and id = '" + run + "'");
            }
            assertThat(holder).as("the run started on the node about to stop").isNotNull();
            signal(node, "TERM");
            assertThat(node.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("the node exited").isTrue();
            assertThat(text(db, "select count(*) from run_log where run_id = '" + run + "' and message like 'The server is shutting down%'"))
                    .isEqualTo("1");
            String status = null;
            for (int i = 0; i < 120 && !"SUCCEEDED".equals(status); i++) {
                Thread.sleep(500);
                status = text(db, "select status from run where id = '" + run + "'");
            }
            assertThat(status).isEqualTo("SUCCEEDED");
            assertThat(text(db, "select node_id from run where id = '" + run + "'")).isNotEqualTo(holder);
            assertThat(text(db, "select attempt from run where id = '" + run + "'")).isEqualTo("2");
            assertThat(text(db, "select count(*) from run_log where run_id = '" + run + "' and message like 'Wrote %'"))
                    .isEqualTo("1");
        }
    }

    private static String text(Connection db, String sql) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void sleepUntil(Instant moment) throws InterruptedException {
        long millis = java.time.Duration.between(Instant.now(), moment).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static long count(Connection db, String sql) throws Exception {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
