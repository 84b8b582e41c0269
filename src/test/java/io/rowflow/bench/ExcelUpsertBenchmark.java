package io.rowflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.pipeline.TextInference;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.excel.ExcelWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An upsert of N changed rows into a 10,000-row workbook, beside a replace of the same 10,000 rows as the baseline;
 * each write in a fresh JVM (-Xmx as given), the workbook made before the clock starts, the heap's peak reset then.
 * Run with {@code ./mvnw -Pbench test-compile exec:exec -Dbench.main=io.rowflow.bench.ExcelUpsertBenchmark
 * -Dbench.rows=100,1000,10000}.
 */
public final class ExcelUpsertBenchmark {
    static final int SHEET_ROWS = 10_000;
    static final int COLUMNS = 12;

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
            return;
        }
        String heap = args.length > 1 ? args[1] : "512m";
        List<String[]> results = new ArrayList<>();
        results.add(launch("replace", SHEET_ROWS, heap));
        for (String n : (args.length > 0 ? args[0] : "100,1000").split(",")) {
            results.add(launch("upsert", Integer.parseInt(n.strip()), heap));
        }
        results.add(launch("replace", SHEET_ROWS, heap));
        System.out.printf(Locale.ROOT, "%n%,d-row workbook, %d columns, -Xmx%s%n", SHEET_ROWS, COLUMNS, heap);
        System.out.printf(Locale.ROOT, "| %-8s | %11s | %9s | %14s |%n", "write", "rows given", "seconds",
                "peak heap MiB");
        System.out.println("|----------|-------------|-----------|----------------|");
        for (String[] r : results) {
            System.out.printf(Locale.ROOT, "| %-8s | %,11d | %9s | %14s |%n", r[0], Long.parseLong(r[1]), r[2], r[3]);
        }
    }

    private static String[] launch(String mode, int rows, String heap) throws Exception {
        Path out = Files.createTempDirectory("rowflow-upsert-bench");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx" + heap, "-cp", System.getProperty("java.class.path"),
                ExcelUpsertBenchmark.class.getName(), "child", mode, Integer.toString(rows), out.toString())
                .redirectErrorStream(true).start();
        String[] result = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
            for (String line; (line = reader.readLine()) != null;) {
                if (line.startsWith("RESULT ")) {
                    result = line.substring(7).split(" ");
                } else if (line.contains("Exception")) {
                    System.err.println(mode + ": " + line);
                }
            }
        }
        if (process.waitFor() != 0 || result == null) {
            throw new IllegalStateException(mode + " failed with exit code " + process.exitValue());
        }
        return result;
    }

    /** Row {@code i} of the sheet; {@code version} changes every value but the key. */
    static Map<String, Object> row(int i, int version) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("key", "OPS-" + i);
        row.put("id", Integer.toString(10_000 + i));
        for (int c = 2; c < COLUMNS; c++) {
            row.put("c" + c, c % 3 == 0 ? Integer.toString(i * c + version) : "value " + i + "/" + c + " v" + version);
        }
        return row;
    }

    private static void child(String mode, int rows, Path out) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode settings = mapper.createObjectNode().put("mode", mode);
        settings.putArray("keyColumns").add("key");
        ExcelWriter writer = new ExcelWriter();
        try (StagingArea area = StagingArea.open(Files.createTempDirectory(out, "stage"), StagingSettings.defaults())) {
            StagedTable base = area.stage(TextInference.ALL, sink -> {
                for (int i = 0; i < SHEET_ROWS; i++) {
                    sink.accept(row(i, 0));
                }
            });
            writer.write(new WriteContext(mapper.createObjectNode(), area.connection(), out, () -> false), base);
            // The changed rows: spread over the sheet (every SHEET_ROWS / rows-th), each value but the key new.
            int step = Math.max(1, SHEET_ROWS / rows);
            StagedTable changed = mode.equals("replace") ? base : area.stage(TextInference.ALL, sink -> {
                for (int i = 0; i < rows; i++) {
                    sink.accept(row((i * step) % SHEET_ROWS, 1));
                }
            });
            HeapPeak.reset();
            long start = System.nanoTime();
            long written = writer.write(new WriteContext(settings, area.connection(), out, () -> false), changed)
                    .rowsWritten();
            double seconds = (System.nanoTime() - start) / 1e9;
            long heapPeak = HeapPeak.peak();
            System.out.printf(Locale.ROOT, "RESULT %s %d %.2f %d%n", mode, written, seconds, heapPeak >> 20);
        }
    }
}
