package io.rowflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.json.JsonUrlSource;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.excel.ExcelWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Paginated JSON on loopback → .xlsx, Rowflow's pipeline against the floor, each in a fresh JVM with -Xmx512m.
 * Run with {@code ./mvnw -Pbench test-compile exec:exec} (rows: {@code -Dbench.rows=1000000}).
 */
public final class PipelineBenchmark {
    static final int PAGE_SIZE = 10_000;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], Long.parseLong(args[2]), args[3], Path.of(args[4]));
            return;
        }
        long rows = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        String heap = args.length > 1 ? args[1] : "512m";
        Path out = Files.createTempDirectory("rowflow-bench");
        List<String[]> results = new ArrayList<>();
        try (BenchData data = new BenchData(rows, PAGE_SIZE)) {
            for (String mode : System.getProperty("bench.modes", "floor,rowflow,floor,rowflow").split(",")) {
                results.add(launch(mode, rows, heap, data.firstPage(), out.resolve(mode)));
            }
        }
        System.out.printf(Locale.ROOT, "%n%,d rows x 20 columns, JSON pages of %,d rows on loopback -> .xlsx, -Xmx%s%n",
                rows, PAGE_SIZE, heap);
        System.out.printf(Locale.ROOT, "| %-8s | %9s | %10s | %14s | %13s | %12s | %9s |%n", "pipeline", "seconds",
                "rows/s", "peak heap MiB", "peak RSS MiB", "HTTP requests", "xlsx MiB");
        System.out.println("|----------|-----------|------------|----------------|---------------|--------------|-----------|");
        double floorBest = Double.MAX_VALUE;
        double rowflowBest = Double.MAX_VALUE;
        for (String[] r : results) {
            double seconds = Double.parseDouble(r[2]);
            System.out.printf(Locale.ROOT, "| %-8s | %9.2f | %,10.0f | %14s | %13s | %12s | %9s |%n", r[0], seconds,
                    Long.parseLong(r[1]) / seconds, r[3], r[4], r[5], r[6]);
            if (r[0].equals("floor")) {
                floorBest = Math.min(floorBest, seconds);
            } else {
                rowflowBest = Math.min(rowflowBest, seconds);
            }
        }
        System.out.printf(Locale.ROOT, "%nBest of two: Rowflow %.2f s, floor %.2f s, ratio %.2fx%n", rowflowBest, floorBest,
                rowflowBest / floorBest);
    }

    private static String[] launch(String mode, long rows, String heap, String url, Path out) throws Exception {
        Files.createDirectories(out);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap));
        String extra = System.getProperty("bench.jvm-args", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.split(" ")));
        }
        command.addAll(List.of("-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-cp",
                System.getProperty("java.class.path"), PipelineBenchmark.class.getName(), "child", mode, Long.toString(rows),
                url, out.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String[] result = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
            for (String line; (line = reader.readLine()) != null;) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring(7).split(" ");
                } else if (line.startsWith("STAGE ")) {
                    System.out.println(mode + ": extracted and staged in " + line.substring(6) + " s");
                } else if (line.contains("Exception") || line.contains("ERROR")) {
                    System.err.println(mode + ": " + line);
                }
            }
        }
        if (process.waitFor() != 0 || result == null) {
            throw new IllegalStateException(mode + " failed with exit code " + process.exitValue());
        }
        return result;
    }

    private static void child(String mode, long expectedRows, String url, Path out) throws Exception {
        // As in the application: INFO, so the HTTP client's wire and header logging stays off.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.INFO);
        long start = System.nanoTime();
        long rows;
        long requests;
        Path target = out.resolve(ExcelWriter.FILE_NAME);
        if (mode.equals("floor")) {
            rows = FloorPipeline.run(url, target);
            requests = (expectedRows + PAGE_SIZE - 1) / PAGE_SIZE;
        } else {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode config = mapper.createObjectNode().put("url", url).put("recordsPath", "data");
            config.putObject("pagination").put("type", "next_link").put("nextLinkPath", "next");
            Path stage = Files.createTempDirectory(out, "stage");
            try (SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8")));
                    StagingArea area = StagingArea.open(stage, StagingSettings.defaults())) {
                JsonUrlSource source = new JsonUrlSource();
                StagedTable table = area.stage(source.textInference(), sink -> source.read(new SourceContext(config, http), sink));
                System.out.printf(Locale.ROOT, "STAGE %.3f%n", (System.nanoTime() - start) / 1e9);
                rows = new ExcelWriter().write(new WriteContext(mapper.createObjectNode(), area.connection(), out, () -> false),
                        table).rowsWritten();
                requests = http.requestCount();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (rows != expectedRows) {
            throw new IllegalStateException(mode + " wrote " + rows + " rows, expected " + expectedRows);
        }
        long heapPeak = HeapPeak.peak();
        System.out.printf(Locale.ROOT, "RESULT %s %d %.3f %d %d %d %.1f%n", mode, rows, seconds, heapPeak >> 20,
                peakRssMib(), requests, Files.size(target) / 1048576.0);
    }

    /** Peak resident set size of this process (VmHWM), Linux only. */
    private static long peakRssMib() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
