package io.rowflow.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.sql.MySqlSource;
import io.rowflow.connector.sql.PostgresSource;
import io.rowflow.connector.SourceConnector;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.ColumnsAnnouncement;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;

/**
 * The SQL sources on N rows (id, a NUMERIC(12,2) amount, a name, a timestamp) from the PostgreSQL and MariaDB servers
 * of this machine, beside the naive read in the same invocation: one plain JDBC query, the driver's defaults, which
 * take the whole result into memory before the first row. Prints seconds and the heap's peak above what was live
 * before each read; checks the exact sum of the amounts, so a fast wrong read cannot pass. Not a test:
 * {@code ./mvnw -Pbench test-compile exec:exec -Dbench.main=io.rowflow.bench.SqlSourceBenchmark -Dbench.rows=1000000
 * -Dbench.heap=64m}: it runs again in a JVM with that heap limit, where the naive read does not fit.
 */
public final class SqlSourceBenchmark {
    record Database(String name, String jdbc, String user, SourceConnector source, ObjectNode settings,
            List<String> load) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 1 && System.getProperty("bench.child") == null) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            System.exit(new ProcessBuilder(java, "-Xmx" + args[1], "-Dbench.child=true", "-cp",
                    System.getProperty("java.class.path"), SqlSourceBenchmark.class.getName(), args[0])
                    .inheritIO().start().waitFor());
        }
        int rows = Integer.parseInt(args.length > 0 ? args[0].split(",")[0].strip() : "1000000");
        ObjectMapper json = new ObjectMapper();
        List<Database> databases = List.of(
                new Database("PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", new PostgresSource(),
                        json.createObjectNode().put("host", "127.0.0.1").put("port", 5432).put("database", "test")
                                .put("user", "postgres").put("table", "rf_bench_rows"),
                        List.of("DROP TABLE IF EXISTS rf_bench_rows",
                                "CREATE UNLOGGED TABLE rf_bench_rows (id BIGINT, amount NUMERIC(12,2), name TEXT,"
                                        + " created TIMESTAMPTZ)",
                                "INSERT INTO rf_bench_rows SELECT g, (g % 100000) / 100.0, 'customer ' || g,"
                                        + " TIMESTAMPTZ '2026-01-01 00:00:00+00' + g * INTERVAL '1 second'"
                                        + " FROM generate_series(1, " + rows + ") g")),
                new Database("MariaDB", "jdbc:mariadb://127.0.0.1:3306/test", "root", new MySqlSource(),
                        json.createObjectNode().put("host", "127.0.0.1").put("port", 3306).put("database", "test")
                                .put("user", "root").put("table", "rf_bench_rows"),
                        List.of("DROP TABLE IF EXISTS rf_bench_rows",
                                "CREATE TABLE rf_bench_rows (id BIGINT, amount DECIMAL(12,2), name VARCHAR(40),"
                                        + " created DATETIME)",
                                "INSERT INTO rf_bench_rows SELECT seq, (seq % 100000) / 100, CONCAT('customer ', seq),"
                                        + " TIMESTAMP '2026-01-01 00:00:00' + INTERVAL seq SECOND"
                                        + " FROM seq_1_to_" + rows)));
        BigDecimal expected = expectedSum(rows);
        System.out.printf(Locale.ROOT, "%nSQL sources, %,d rows × 4 columns from this machine's servers (heap limit %d"
                + " MiB):%n", rows, Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("| database | read | seconds | rows/s | heap peak above live |");
        System.out.println("|---|---|---|---|---|");
        try (SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8")))) {
            for (Database database : databases) {
                try (Connection c = DriverManager.getConnection(database.jdbc(), database.user(), "");
                        Statement s = c.createStatement()) {
                    for (String statement : database.load()) {
                        s.execute(statement);
                    }
                }
                naive(database, rows, expected);
                rowflow(database, http, rows, expected);
            }
        }
    }

    /** The driver's defaults: the whole result is read into memory before the first row is handed over. */
    private static void naive(Database database, int rows, BigDecimal expected) {
        long live = HeapPeak.reset();
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(database.jdbc(), database.user(), "");
                Statement s = c.createStatement(); ResultSet result = s.executeQuery("SELECT * FROM rf_bench_rows")) {
            long count = 0;
            BigDecimal sum = BigDecimal.ZERO;
            while (result.next()) {
                count++;
                sum = sum.add(result.getBigDecimal("amount"));
            }
            check(database, "naive", count, sum, rows, expected);
            print(database, "naive: one query, driver defaults", rows, start, HeapPeak.peak() - live);
        } catch (OutOfMemoryError | Exception e) {
            System.out.printf(Locale.ROOT, "| %s | naive: one query, driver defaults | failed: %s | | |%n",
                    database.name(), e.getClass().getSimpleName());
        }
    }

    /** Rowflow's source: a read-only transaction, a fetch size, each row handed on and forgotten. */
    private static void rowflow(Database database, SafeHttpClient http, int rows, BigDecimal expected) {
        long live = HeapPeak.reset();
        long start = System.nanoTime();
        long[] count = {0};
        BigDecimal[] sum = {BigDecimal.ZERO};
        database.source().read(new SourceContext(database.settings(), http).withStream("rows"), record -> {
            if (!(record instanceof ColumnsAnnouncement)) {
                count[0]++;
                sum[0] = sum[0].add((BigDecimal) record.get("amount"));
            }
        });
        check(database, "Rowflow", count[0], sum[0], rows, expected);
        print(database, "Rowflow: streamed, fetch size 1,000", rows, start, HeapPeak.peak() - live);
    }

    /** Σ (g mod 100000) / 100 for g = 1…rows, worked out apart from any database. */
    private static BigDecimal expectedSum(int rows) {
        long cents = 0;
        for (long g = 1; g <= rows; g++) {
            cents += g % 100_000;
        }
        return BigDecimal.valueOf(cents, 2);
    }

    private static void check(Database database, String read, long count, BigDecimal sum, int rows, BigDecimal expected) {
        if (count != rows || sum.compareTo(expected) != 0) {
            throw new IllegalStateException(database.name() + ", " + read + ": " + count + " rows summing " + sum
                    + ", expected " + rows + " summing " + expected);
        }
    }

    private static void print(Database database, String read, int rows, long start, long heap) {
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %,.0f | %d MiB |%n", database.name(), read, seconds,
                rows / seconds, Math.max(0, heap) >> 20);
    }
}
