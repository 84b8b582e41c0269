package io.rowflow.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Many flows due in the same minute: how late are their slots dispatched (a run recorded for the slot), and what does
 * it cost the database? The packaged jar runs on a fresh PostgreSQL database holding N flows, each scheduled daily at
 * the same minute; the figures come from the runs' own rows (created_at − the slot) and pg_stat_database. Each size
 * runs in the same invocation, the first as the baseline. A size is written {@code N} (one node, the runs executing on
 * it meanwhile, as they would), or {@code N:dispatch:K} (K nodes on the one database, dispatch only: the runs do
 * nothing, each waiting on a source that never answers, so what is measured is the scheduler alone; each node's
 * share comes from its {@code rowflow_schedule_slots_fired_total}). A size ending in {@code :warm} first lets the nodes
 * fire a burst of 1,000 other flows a minute earlier, not counted: a node that has run for a while has its dispatch
 * code compiled, while a node started just before the burst compiles it during the burst. Not a test: run it with
 * {@code ./mvnw -Pbench package -DskipTests exec:exec -Dbench.main=io.rowflow.bench.SchedulerBenchmark
 * -Dbench.rows=1000,10000,10000:dispatch:1,10000:dispatch:3}.
 */
public final class SchedulerBenchmark {
    static final String DB = "rowflow_bench_scheduler";
    static final String BASE = "jdbc:postgresql://127.0.0.1:5432/";
    static final UUID WORKSPACE = UUID.fromString("00000000-0000-0000-0000-000000000001");

    /** What the runs of dispatch-only flows read: nothing, ever (the run waits until the node is stopped). */
    private static final String NEVER = "/never.csv";
    private static final String SCRAPE_TOKEN = "bench-scrape-token";

    public static void main(String[] args) throws Exception {
        String sizes = args.length > 0 ? args[0] : "1000,10000";
        HttpServer source = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        source.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r);
            thread.setDaemon(true);
            return thread;
        }));
        byte[] csv = "id,name\n1,a\n".getBytes(StandardCharsets.UTF_8);
        source.createContext("/tiny.csv", e -> {
            e.sendResponseHeaders(200, csv.length);
            e.getResponseBody().write(csv);
            e.close();
        });
        source.createContext(NEVER, e -> {
            try {
                Thread.sleep(Duration.ofHours(1).toMillis());
            } catch (InterruptedException stopped) {
                e.close();
            }
        });
        source.start();
        String base = "http://127.0.0.1:" + source.getAddress().getPort();
        List<String> rows = new ArrayList<>();
        try {
            for (String size : sizes.split(",")) {
                String[] parts = size.strip().split(":");
                List<String> options = List.of(parts).subList(1, parts.length);
                boolean dispatchOnly = options.contains("dispatch");
                int nodes = options.stream().filter(o -> o.matches("\\d+")).mapToInt(Integer::parseInt).findFirst().orElse(1);
                rows.add(measure(Integer.parseInt(parts[0]), nodes, dispatchOnly, options.contains("warm"),
                        base + (dispatchOnly ? NEVER : "/tiny.csv")));
            }
        } finally {
            source.stop(0);
        }
        System.out.printf("%n| flows due at once | nodes | start-up (slots set) | lateness p50 | p99 | max | dispatched a second"
                + " | later than 60 s | transactions | rows read | rows written | nodes' CPU s | each node's share |%n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|%n");
        rows.forEach(System.out::println);
    }

    /** Flows of the warm-up burst, a minute before the measured one. */
    static final int WARM_UP = 1000;

    private static String measure(int flows, int nodeCount, boolean dispatchOnly, boolean warm, String url)
            throws Exception {
        // The slot: a whole minute far enough ahead for the nodes to start and set every flow's slot (and the warm-up's
        // a minute before it).
        Instant slot = Instant.ofEpochSecond((Instant.now().plusSeconds(90 + flows / 100 + 20L * nodeCount
                + (warm ? 60 : 0)).getEpochSecond() / 60 + 1) * 60);
        Instant warmUp = slot.minusSeconds(60);
        try (Connection admin = DriverManager.getConnection(BASE + "test", "postgres", ""); Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DB + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DB);
        }
        Path dir = Files.createTempDirectory("rowflow-scheduler-bench");
        Process first = start(dir, 0, dispatchOnly);
        awaitReady(first, 0);
        first.destroy();
        first.waitFor();
        insertFlows("", flows, url, java.time.LocalTime.ofInstant(slot, java.time.ZoneOffset.UTC).toString());
        if (warm) {
            insertFlows("warm-up ", WARM_UP, url, java.time.LocalTime.ofInstant(warmUp, java.time.ZoneOffset.UTC).toString());
        }
        Instant started = Instant.now();
        List<Process> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < nodeCount; i++) {
                nodes.add(start(dir, i, dispatchOnly));
            }
            for (int i = 0; i < nodeCount; i++) {
                awaitReady(nodes.get(i), i);
            }
            Duration reconcile = Duration.between(started, Instant.now());
            if (!Instant.now().isBefore(slot.minusSeconds(3))) {
                throw new IllegalStateException("the nodes took too long to start; the slot has passed");
            }
            if (warm) {
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), warmUp).toMillis()));
                awaitDispatch(warmUp, slot, WARM_UP);
            }
            long[] firedBefore = new long[nodeCount];
            for (int i = 0; i < nodeCount; i++) {
                firedBefore[i] = firedBy(i);
            }
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), slot).toMillis() - 2000));
            long[] before = dbStats();
            java.util.Map<String, long[]> tablesBefore = tableStats();
            Duration cpuBefore = cpu(nodes);
            List<Long> lateness = awaitDispatch(slot, slot.plusSeconds(3600), flows);
            long[] after = dbStats();
            printScans(flows, tablesBefore, tableStats());
            Duration cpu = cpu(nodes).minus(cpuBefore);
            List<String> shares = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                shares.add(String.format(Locale.ROOT, "%.1f %%", 100.0 * (firedBy(i) - firedBefore[i]) / flows));
            }
            Collections.sort(lateness);
            long max = lateness.get(lateness.size() - 1);
            return String.format(Locale.ROOT, "| %,d%s | %d | %.1f s | %,d ms | %,d ms | %,d ms | %,.0f | %,d | %,d | %,d | %,d | %.1f | %s |",
                    flows, (dispatchOnly ? ", dispatch only" : "") + (warm ? ", nodes warm" : ""), nodeCount, reconcile.toMillis() / 1000.0, pct(lateness, 50),
                    pct(lateness, 99), max, flows * 1000.0 / Math.max(1, max),
                    lateness.stream().filter(l -> l > MISFIRE_MS).count(),
                    after[0] - before[0], after[1] - before[1], after[2] - before[2], cpu.toMillis() / 1000.0,
                    String.join(" / ", shares));
        } finally {
            for (Process node : nodes) {
                node.destroyForcibly();
                node.waitFor();
            }
        }
    }

    private static Duration cpu(List<Process> nodes) {
        return nodes.stream().map(n -> n.info().totalCpuDuration().orElse(Duration.ZERO)).reduce(Duration.ZERO, Duration::plus);
    }

    /** The slots node {@code index} fired, from its own counter. */
    private static long firedBy(int index) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[index]
                + "/q/metrics")).header("Authorization", "Bearer " + SCRAPE_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("rowflow_schedule_slots_fired_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /**
     * The default misfire threshold (rowflow.schedule.misfire-threshold): a flow whose slot fired later than this
     * moves on to the first slot after now instead of the one after the fired slot.
     */
    static final long MISFIRE_MS = 60_000;

    /**
     * Waits until every flow has a scheduled run from the slot on; answers each one's lateness in ms. Runs are matched by
     * flow: under Quartz (before V40) a slot dispatched later than the misfire threshold carried the time it fired.
     */
    private static List<Long> awaitDispatch(Instant slot, Instant before, int flows) throws Exception {
        Instant deadline = slot.plusSeconds(600);
        try (Connection db = DriverManager.getConnection(BASE + DB, "postgres", "")) {
            while (Instant.now().isBefore(deadline)) {
                Thread.sleep(1000);
                try (PreparedStatement count = db.prepareStatement("select count(distinct flow_id) from run where"
                        + " scheduled_for >= ? and scheduled_for < ?")) {
                    count.setTimestamp(1, Timestamp.from(slot));
                    count.setTimestamp(2, Timestamp.from(before));
                    try (ResultSet rs = count.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) >= flows) {
                            break;
                        }
                    }
                }
            }
            List<Long> lateness = new ArrayList<>();
            try (PreparedStatement runs = db.prepareStatement("select min(created_at) from run where scheduled_for >= ?"
                    + " and scheduled_for < ? group by flow_id")) {
                runs.setTimestamp(1, Timestamp.from(slot));
                runs.setTimestamp(2, Timestamp.from(before));
                try (ResultSet rs = runs.executeQuery()) {
                    while (rs.next()) {
                        lateness.add(Duration.between(slot, rs.getTimestamp(1).toInstant()).toMillis());
                    }
                }
            }
            if (lateness.size() < flows) {
                throw new IllegalStateException("only " + lateness.size() + " of " + flows + " slots were dispatched");
            }
            return lateness;
        }
    }

    /** Transactions committed, rows read (returned), rows written (inserted + updated + deleted) in the database. */
    private static long[] dbStats() throws Exception {
        try (Connection db = DriverManager.getConnection(BASE + "test", "postgres", ""); Statement s = db.createStatement();
                ResultSet rs = s.executeQuery("select xact_commit, tup_returned, tup_inserted + tup_updated + tup_deleted"
                        + " from pg_stat_database where datname = '" + DB + "'")) {
            rs.next();
            return new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3) };
        }
    }

    /** Per table: sequential scans, rows they read, index scans, rows those fetched. */
    private static java.util.Map<String, long[]> tableStats() throws Exception {
        java.util.Map<String, long[]> stats = new java.util.TreeMap<>();
        try (Connection db = DriverManager.getConnection(BASE + DB, "postgres", ""); Statement s = db.createStatement()) {
            s.execute("select pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("select relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0),"
                    + " coalesce(idx_tup_fetch, 0) from pg_stat_user_tables")) {
                while (rs.next()) {
                    stats.put(rs.getString(1), new long[] { rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5) });
                }
            }
        }
        return stats;
    }

    /** Where the rows read went: the tables most read during the burst, and by which kind of scan. */
    private static void printScans(int flows, java.util.Map<String, long[]> before, java.util.Map<String, long[]> after) {
        System.out.printf("%nTables read during the burst of %,d flows (sequential scans, rows they read, index scans,"
                + " rows fetched):%n", flows);
        after.entrySet().stream().map(e -> {
            long[] b = before.getOrDefault(e.getKey(), new long[4]);
            long[] d = new long[4];
            for (int i = 0; i < 4; i++) {
                d[i] = e.getValue()[i] - b[i];
            }
            return java.util.Map.entry(e.getKey(), d);
        }).filter(e -> e.getValue()[1] + e.getValue()[3] > 0)
                .sorted((x, y) -> Long.compare(y.getValue()[1] + y.getValue()[3], x.getValue()[1] + x.getValue()[3]))
                .limit(8).forEach(e -> System.out.printf(Locale.ROOT, "  %-24s %,10d seq scans %,14d rows  %,10d index scans"
                        + " %,12d rows%n", e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2], e.getValue()[3]));
    }

    private static void insertFlows(String prefix, int flows, String url, String time) throws Exception {
        try (Connection db = DriverManager.getConnection(BASE + DB, "postgres", "")) {
            db.setAutoCommit(false);
            Timestamp now = Timestamp.from(Instant.now());
            try (PreparedStatement connection = db.prepareStatement("insert into connection (id, name, connector_id,"
                    + " config_json, created_at, updated_at, workspace_id, shared) values (?, ?, 'csv-url', ?, ?, ?, ?, true)");
                    PreparedStatement flow = db.prepareStatement("insert into flow (id, name, definition_json, created_at,"
                            + " updated_at, workspace_id) values (?, ?, ?, ?, ?, ?)");
                    PreparedStatement link = db.prepareStatement("insert into flow_connection (flow_id, connection_id)"
                            + " values (?, ?)")) {
                for (int i = 0; i < flows; i++) {
                    UUID c = UUID.randomUUID();
                    UUID f = UUID.randomUUID();
                    connection.setObject(1, c);
                    connection.setString(2, prefix + "source " + i);
                    connection.setString(3, "{\"url\":\"" + url + "\"}");
                    connection.setTimestamp(4, now);
                    connection.setTimestamp(5, now);
                    connection.setObject(6, WORKSPACE);
                    connection.addBatch();
                    flow.setObject(1, f);
                    flow.setString(2, prefix + "flow " + i);
                    flow.setString(3, "{\"sources\":[{\"connectionId\":\"" + c + "\"}],\"destinations\":[{\"type\":\"excel\","
                            + "\"settings\":{}}],\"schedule\":{\"preset\":\"daily\",\"times\":[\"" + time + "\"]}}");
                    flow.setTimestamp(4, now);
                    flow.setTimestamp(5, now);
                    flow.setObject(6, WORKSPACE);
                    flow.addBatch();
                    link.setObject(1, f);
                    link.setObject(2, c);
                    link.addBatch();
                }
                connection.executeBatch();
                flow.executeBatch();
                link.executeBatch();
            }
            db.commit();
        }
    }

    private static final int[] ports = new int[8];

    private static Process start(Path dir, int index, boolean dispatchOnly) throws Exception {
        if (ports[index] == 0) {
            try (ServerSocket socket = new ServerSocket(0)) {
                ports[index] = socket.getLocalPort();
            }
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dquarkus.http.port=" + ports[index], "-jar", "target/quarkus-app/quarkus-run.jar");
        builder.environment().put("ROWFLOW_DB_KIND", "postgresql");
        builder.environment().put("ROWFLOW_DB_URL", BASE + DB);
        builder.environment().put("ROWFLOW_DB_USERNAME", "postgres");
        builder.environment().put("ROWFLOW_STORAGE_DATA_DIR", dir.resolve("data-" + index).toString());
        builder.environment().put("ROWFLOW_MASTER_KEY", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=");
        builder.environment().put("ROWFLOW_HTTP_ALLOWED_NETWORKS", "127.0.0.0/8");
        builder.environment().put("ROWFLOW_METRICS_TOKEN", SCRAPE_TOKEN);
        if (dispatchOnly) {
            // One run thread, waiting on a source that never answers: the runs cost nothing, the rest stay queued.
            builder.environment().put("ROWFLOW_RUN_MAX_CONCURRENT_RUNS", "1");
        }
        builder.redirectErrorStream(true).redirectOutput(dir.resolve("node-" + index + ".log").toFile());
        return builder.start();
    }

    private static void awaitReady(Process node, int index) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 1200; i++) {
            if (!node.isAlive()) {
                throw new IllegalStateException("the node stopped");
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[index] + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) {
                // starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the node did not become ready");
    }
}
