package io.rowflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.csv.CsvUrlSource;
import io.rowflow.flow.FlowDefinition;
import io.rowflow.flow.FlowRequest;
import io.rowflow.flow.Preview;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.run.PreviewCache;
import io.rowflow.run.PreviewService;
import io.rowflow.transform.TransformClock;
import io.rowflow.transform.TransformPlan;
import io.rowflow.transform.TransformSession;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Transforms under load, each beside its baseline in the same invocation. (1) A filter edited on a 100,000-row source:
 * Rowflow's preview answers from the kept extract; the baseline reads the source again for every edit, as a preview
 * without the cache would. (2) A left join of two 500,000-row sources run as a flow runs it (sandboxed, the
 * duplicate-key check, the row order kept, written to a table), against the floor: DuckDB's own join into a table,
 * nothing else. Not a test: {@code ./mvnw -Pbench test-compile exec:exec -Dbench.main=io.rowflow.bench.TransformBenchmark
 * -Dbench.rows=100000,500000}.
 */
public final class TransformBenchmark {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TransformClock CLOCK = new TransformClock(Instant.now(), ZoneOffset.UTC);

    public static void main(String[] args) throws Exception {
        String[] sizes = (args.length > 0 ? args[0] : "100000,500000").split(",");
        int previewRows = Integer.parseInt(sizes[0].strip());
        int joinRows = Integer.parseInt(sizes[sizes.length - 1].strip());
        Path dir = Files.createTempDirectory("rowflow-transform-bench");
        Path csv = dir.resolve("orders.csv");
        writeCsv(csv, previewRows);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/orders.csv", e -> {
            e.sendResponseHeaders(200, Files.size(csv));
            try (OutputStream out = e.getResponseBody()) {
                Files.copy(csv, out);
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/orders.csv";
        try (SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8")))) {
            preview(dir, url, http, previewRows);
        } finally {
            server.stop(0);
        }
        join(dir, joinRows);
    }

    private static void writeCsv(Path file, int rows) throws IOException {
        StringBuilder csv = new StringBuilder("id,customer,country,status,amount,quantity,placed,updated,sku,note\n");
        String[] countries = { "DE", "FR", "DK", "UK", "US", "ES", "IT", "PL" };
        String[] statuses = { "open", "paid", "shipped", "cancelled" };
        for (int i = 1; i <= rows; i++) {
            csv.append(i).append(',').append("Customer ").append(i % 5000).append(',').append(countries[i % 8]).append(',')
                    .append(statuses[i % 4]).append(',').append(i % 1000).append('.').append(i % 100).append(',')
                    .append(i % 17).append(',').append(java.time.LocalDate.of(2025, 1, 1).plusDays(i % 600)).append(',')
                    .append("2026-01-01T").append(String.format(Locale.ROOT, "%02d", i % 24)).append(":00:00Z,SKU-")
                    .append(i % 997).append(",\"note, with comma ").append(i).append("\"\n");
        }
        Files.writeString(file, csv, StandardCharsets.UTF_8);
    }

    static FlowDefinition filterFlow(int minimumAmount) throws IOException {
        ObjectNode filter = (ObjectNode) JSON.readTree("{\"type\": \"filter\", \"where\": {\"all\": [{\"column\": \"amount\","
                + " \"op\": \"gte\", \"value\": " + minimumAmount + "}, {\"column\": \"country\", \"op\": \"in\", \"values\":"
                + " [\"DE\", \"DK\"]}]}}");
        ObjectNode calculate = (ObjectNode) JSON.readTree("{\"type\": \"calculate\", \"column\": \"gross\", \"expression\":"
                + " \"ROUND(amount * 1.19, 2)\"}");
        return new FlowDefinition(List.of(new FlowRequest.Source(UUID.randomUUID(), null, null, "orders",
                List.of(filter, calculate), null)), null, List.of(), null, null, null, null, null);
    }

    /** Reads the CSV over HTTP into a DuckDB file, as the preview cache (and a run) does. */
    static PreviewCache.Extract extract(Path dir, String url, SafeHttpClient http) throws Exception {
        Path folder = Files.createTempDirectory(dir, "extract");
        CsvUrlSource source = new CsvUrlSource();
        StagedTable table;
        try (StagingArea area = StagingArea.open(folder, StagingSettings.defaults())) {
            table = area.stage(source.textInference(), sink -> source.read(new SourceContext(JSON.createObjectNode()
                    .put("url", url), http), sink));
            try (Statement s = area.connection().createStatement()) {
                s.execute("CHECKPOINT");
            }
        }
        return new PreviewCache.Extract(folder.resolve("stage.duckdb"), table, false);
    }

    private static void preview(Path dir, String url, SafeHttpClient http, int rows) throws Exception {
        int edits = 7;
        List<Long> baseline = new ArrayList<>();
        List<Long> kept = new ArrayList<>();
        long requestsBefore = http.requestCount();
        for (int edit = 0; edit < edits; edit++) {
            long start = System.nanoTime();
            Preview p = PreviewService.render(List.of(extract(dir, url, http)), filterFlow(100 * edit), null, CLOCK, dir,
                    StagingSettings.defaults(), Duration.ofMinutes(1), 100);
            baseline.add((System.nanoTime() - start) / 1_000_000);
            check(p, edit);
        }
        long baselineRequests = http.requestCount() - requestsBefore;
        requestsBefore = http.requestCount();
        long firstStart = System.nanoTime();
        PreviewCache.Extract extract = extract(dir, url, http);
        for (int edit = 0; edit < edits; edit++) {
            long start = edit == 0 ? firstStart : System.nanoTime();
            Preview p = PreviewService.render(List.of(extract), filterFlow(100 * edit), null, CLOCK, dir,
                    StagingSettings.defaults(), Duration.ofMinutes(1), 100);
            kept.add((System.nanoTime() - start) / 1_000_000);
            check(p, edit);
        }
        long keptRequests = http.requestCount() - requestsBefore;
        System.out.printf(Locale.ROOT, "%nPreview of a filter edit on a %,d-row source (10 columns; filter, then a calculated"
                + " column; first 100 rows and the row count), %d edits:%n", rows, edits);
        System.out.println("| preview | first edit ms | later edits: median ms | max ms | source requests |");
        System.out.println("|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| source read again each time (baseline) | %,d | %,d | %,d | %d |%n", baseline.get(0),
                median(baseline.subList(1, edits)), Collections.max(baseline.subList(1, edits)), baselineRequests);
        System.out.printf(Locale.ROOT, "| kept extract (Rowflow) | %,d | %,d | %,d | %d |%n", kept.get(0),
                median(kept.subList(1, edits)), Collections.max(kept.subList(1, edits)), keptRequests);
    }

    private static void check(Preview p, int edit) {
        if (p.rows().size() != Math.min(100, p.totalRows()) || p.totalRows() == 0 && edit < 9) {
            throw new IllegalStateException("edit " + edit + ": unexpected preview " + p.totalRows());
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static void join(Path dir, int rows) throws Exception {
        Path folder = Files.createTempDirectory(dir, "join");
        try (StagingArea area = StagingArea.open(folder, StagingSettings.defaults())) {
            StagedTable orders = area.stage(io.rowflow.pipeline.TextInference.ALL, sink -> {
                for (int i = 1; i <= rows; i++) {
                    sink.accept(java.util.Map.of("order", Integer.toString(i), "customer", Integer.toString(i * 7 % rows + 1),
                            "amount", (i % 1000) + "." + (i % 100), "placed", "2026-0" + (1 + i % 9) + "-1" + (i % 10)));
                }
            });
            StagedTable customers = area.stage(io.rowflow.pipeline.TextInference.ALL, sink -> {
                for (int i = 1; i <= rows; i++) {
                    sink.accept(java.util.Map.of("id", Integer.toString(i), "name", "Customer " + i, "segment",
                            i % 3 == 0 ? "enterprise" : "smb", "since", "2020-01-0" + (1 + i % 9)));
                }
            });
            long floorStart = System.nanoTime();
            long floorRows;
            try (Statement s = area.connection().createStatement()) {
                s.execute("CREATE TABLE floor AS SELECT * FROM " + StagedTable.quote(orders.sqlName()) + " o LEFT JOIN "
                        + StagedTable.quote(customers.sqlName()) + " c ON o." + StagedTable.quote(orders.columns().stream()
                        .filter(c -> c.name().equals("customer")).findFirst().get().sqlName()) + " = c."
                        + StagedTable.quote(customers.columns().stream().filter(c -> c.name().equals("id")).findFirst().get()
                        .sqlName()));
                try (var rs = s.executeQuery("SELECT count(*) FROM floor")) {
                    rs.next();
                    floorRows = rs.getLong(1);
                }
            }
            double floor = (System.nanoTime() - floorStart) / 1e9;

            long start = System.nanoTime();
            List<FlowRequest.Source> sources = List.of(new FlowRequest.Source(UUID.randomUUID(), null, null, "orders", null, null),
                    new FlowRequest.Source(UUID.randomUUID(), null, null, "customers", null, null));
            ObjectNode transform = (ObjectNode) JSON.readTree("{\"combine\": {\"type\": \"join\", \"joins\": [{\"kind\": \"left\","
                    + " \"on\": [{\"left\": \"customer\", \"right\": \"id\"}]}]}}");
            TransformSession session = TransformSession.over(area.connection(), CLOCK, Duration.ofMinutes(10),
                    List.of(orders, customers), null);
            StagedTable result = session.materialize(TransformPlan.run(session, sources, transform, null), "rf_result");
            double seconds = (System.nanoTime() - start) / 1e9;
            if (result.rowCount() != rows || floorRows != rows) {
                throw new IllegalStateException("join gave " + result.rowCount() + " / " + floorRows + " rows");
            }
            System.out.printf(Locale.ROOT, "%nLeft join of two %,d-row sources into a table (DuckDB memory limit %s, in a"
                    + " file-backed staging database):%n", rows, StagingSettings.defaults().memoryLimit());
            System.out.println("| join | seconds | rows/s | rows |");
            System.out.println("|---|---|---|---|");
            System.out.printf(Locale.ROOT, "| floor: DuckDB's join alone | %.2f | %,.0f | %,d |%n", floor, rows / floor, floorRows);
            System.out.printf(Locale.ROOT, "| Rowflow: sandboxed, key check, order kept | %.2f | %,.0f | %,d |%n", seconds,
                    rows / seconds, result.rowCount());
            System.out.printf(Locale.ROOT, "JVM heap peak %d MiB, process peak RSS %d MiB%n", HeapPeak.peak() >> 20, peakRssMib());
        }
    }

    private static long peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
