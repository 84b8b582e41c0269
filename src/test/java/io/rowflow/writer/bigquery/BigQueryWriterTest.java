package io.rowflow.writer.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.DataException;
import io.rowflow.connector.ConnectionAccess;
import io.rowflow.google.GoogleApis;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.testing.FakeBigQuery;
import io.rowflow.testing.FakeSheets;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BigQuery writer against the stateful BigQuery fake, on hand-staged DuckDB tables: every mode read back with
 * exact types and values, a run retried three times loading once, a new column added, a change of type refused with
 * the table as it was, quota refusals and a lost upload chunk survived.
 */
class BigQueryWriterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PROJECT = "rowflow-test";
    static final String DATASET = "sales";
    static FakeBigQuery fake;
    static BigQueryWriter writer;

    @TempDir
    Path dir;
    Connection duck;
    final AtomicInteger tables = new AtomicInteger();

    @BeforeAll
    static void start() {
        fake = FakeBigQuery.start();
        fake.createDataset(PROJECT, DATASET, "EU");
        writer = new BigQueryWriter(new GoogleApis(FakeSheets.writerConfig("http://127.0.0.1:9", Duration.ofMillis(10))),
                config(fake.rootUrl()));
    }

    @AfterAll
    static void stop() {
        fake.close();
    }

    @BeforeEach
    void openStaging() throws Exception {
        duck = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterEach
    void closeStaging() throws Exception {
        duck.close();
    }

    static BigQueryConfig config(String root) {
        return FakeBigQuery.writerConfig(root, 256 * 1024, Duration.ofMillis(5));
    }

    /** Deals as a source gives them: a 19-digit id, money with cents, a decimal no double holds, a UTC time. */
    StagedTable deals(String... rows) throws Exception {
        String name = "deals_" + tables.incrementAndGet();
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE " + name + " (c0 BIGINT, c1 DECIMAL(18,2), c2 DECIMAL(38,10), c3 VARCHAR,"
                    + " c4 TIMESTAMP, c5 DATE, c6 BOOLEAN, c7 DOUBLE)");
            for (String row : rows) {
                s.execute("INSERT INTO " + name + " VALUES (" + row + ")");
            }
        }
        return new StagedTable(name, List.of(new Column("Deal id", ColumnType.INTEGER, "c0"),
                new Column("Amount", ColumnType.DECIMAL, "c1"), new Column("Exact share", ColumnType.DECIMAL, "c2"),
                new Column("Stage", ColumnType.STRING, "c3"), new Column("Closed at", ColumnType.TIMESTAMP, "c4"),
                new Column("Closed on", ColumnType.DATE, "c5"), new Column("Won", ColumnType.BOOLEAN, "c6"),
                new Column("Score", ColumnType.DECIMAL, "c7")), rows.length);
    }

    static final String FIRST = "9223372036854775806, 0.10, 1234567890123456789.0123456789, 'won',"
            + " TIMESTAMP '2026-03-29 01:30:00', DATE '2026-03-29', true, 0.5";
    static final String SECOND = "9007199254740993, 0.20, 0.0000000001, 'lost', TIMESTAMP '2026-10-25 23:59:59.123456',"
            + " DATE '2026-10-25', false, NULL";

    ObjectNode settings(String table, String mode) {
        ObjectNode settings = JSON.createObjectNode().put("connectionId", UUID.randomUUID().toString())
                .put("project", PROJECT).put("dataset", DATASET).put("table", table).put("mode", mode);
        if (mode.equals("upsert")) {
            settings.putArray("keyColumns").add("Deal id");
        }
        return settings;
    }

    WriteResult write(ObjectNode settings, StagedTable rows, String writeId, StagedTable deleted) throws Exception {
        ConnectionAccess access = new ConnectionAccess(UUID.randomUUID(), JSON.createObjectNode().put("access_token",
                "ya29.test"), null);
        return writer.write(new WriteContext(settings, duck, dir, () -> false, () -> {
        }, writeId, deleted, access), rows);
    }

    @Test
    void replaceLoadsExactTypesAndValues() throws Exception {
        WriteResult result = write(settings("replaced", "replace"), deals(FIRST, SECOND), "run-1", null);
        assertThat(result.rowsWritten()).isEqualTo(2);
        assertThat(result.location()).isEqualTo("bigquery://rowflow-test.sales.replaced");
        assertThat(fake.schema(PROJECT, DATASET, "replaced")).extracting(FakeBigQuery.Field::name, FakeBigQuery.Field::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Deal_id", "INTEGER"),
                        org.assertj.core.groups.Tuple.tuple("Amount", "NUMERIC"),
                        org.assertj.core.groups.Tuple.tuple("Exact_share", "BIGNUMERIC"),
                        org.assertj.core.groups.Tuple.tuple("Stage", "STRING"),
                        org.assertj.core.groups.Tuple.tuple("Closed_at", "TIMESTAMP"),
                        org.assertj.core.groups.Tuple.tuple("Closed_on", "DATE"),
                        org.assertj.core.groups.Tuple.tuple("Won", "BOOLEAN"),
                        org.assertj.core.groups.Tuple.tuple("Score", "FLOAT"));
        List<Map<String, Object>> rows = fake.rows(PROJECT, DATASET, "replaced", "Deal_id DESC");
        assertThat(rows.get(0)).containsEntry("Deal_id", 9223372036854775806L).containsEntry("Stage", "won")
                .containsEntry("Closed_at", Instant.parse("2026-03-29T01:30:00Z"))
                .containsEntry("Closed_on", LocalDate.of(2026, 3, 29)).containsEntry("Won", true)
                .containsEntry("Score", 0.5);
        assertThat((BigDecimal) rows.get(0).get("Amount")).isEqualByComparingTo("0.10");
        assertThat((BigDecimal) rows.get(0).get("Exact_share")).isEqualByComparingTo("1234567890123456789.0123456789");
        assertThat(rows.get(1)).containsEntry("Deal_id", 9007199254740993L)
                .containsEntry("Closed_at", Instant.parse("2026-10-25T23:59:59.123456Z")).containsEntry("Score", null);
        assertThat((BigDecimal) rows.get(1).get("Exact_share")).isEqualByComparingTo("0.0000000001");
        // Money adds up exactly: 0.10 + 0.20 is 0.30, not 0.30000000000000004.
        assertThat(((BigDecimal) rows.get(0).get("Amount")).add((BigDecimal) rows.get(1).get("Amount")))
                .isEqualByComparingTo("0.30");

        write(settings("replaced", "replace"), deals(SECOND), "run-2", null);
        assertThat(fake.rowCount(PROJECT, DATASET, "replaced")).isEqualTo(1);
        assertThat(fake.requests()).allMatch(r -> !r.contains("insertAll"), "never a streaming insert");
    }

    @Test
    void aRunRetriedThreeTimesLoadsItsRowsOnce() throws Exception {
        ObjectNode settings = settings("appended", "append");
        assertThat(write(settings, deals(FIRST), "run-a", null).alreadyWritten()).isFalse();
        int jobs = fake.jobIds().size();
        for (int retry = 0; retry < 3; retry++) {
            WriteResult again = write(settings, deals(FIRST), "run-b", null);
            assertThat(again.rowsWritten()).isEqualTo(1);
            assertThat(again.alreadyWritten()).isEqualTo(retry > 0);
        }
        assertThat(fake.rowCount(PROJECT, DATASET, "appended")).isEqualTo(2);
        assertThat(fake.jobIds()).hasSize(jobs + 1);
    }

    @Test
    void aNewColumnIsAddedAndAChangedTypeIsRefusedWithTheTableAsItWas() throws Exception {
        fake.createTable(PROJECT, DATASET, "shaped", List.of(new FakeBigQuery.Field("Deal_id", "INT64", "NULLABLE"),
                new FakeBigQuery.Field("Note", "STRING", "NULLABLE")));
        fake.insertRows(PROJECT, DATASET, "shaped", List.of(Map.of("Deal_id", 1L, "Note", "kept")));
        write(settings("shaped", "append"), deals(FIRST), "run-c", null);
        assertThat(fake.schema(PROJECT, DATASET, "shaped")).extracting(FakeBigQuery.Field::name).containsExactly(
                "Deal_id", "Note", "Amount", "Exact_share", "Stage", "Closed_at", "Closed_on", "Won", "Score");
        List<Map<String, Object>> rows = fake.rows(PROJECT, DATASET, "shaped", "Deal_id");
        assertThat(rows.get(0)).containsEntry("Deal_id", 1L).containsEntry("Note", "kept").containsEntry("Stage", null);
        assertThat(rows.get(1)).containsEntry("Note", null).containsEntry("Stage", "won");

        String name = "retyped_" + tables.incrementAndGet();
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE " + name + " (c0 BIGINT, c1 VARCHAR)");
            s.execute("INSERT INTO " + name + " VALUES (5, 'five')");
        }
        StagedTable retyped = new StagedTable(name, List.of(new Column("Deal id", ColumnType.INTEGER, "c0"),
                new Column("Amount", ColumnType.STRING, "c1")), 1);
        int jobs = fake.jobIds().size();
        assertThatThrownBy(() -> write(settings("shaped", "append"), retyped, "run-d", null))
                .isInstanceOf(DataException.class).hasMessageContaining("“Amount” is NUMERIC in the table, and the flow"
                        + " now gives STRING");
        assertThat(fake.jobIds()).hasSize(jobs);
        assertThat(fake.rowCount(PROJECT, DATASET, "shaped")).isEqualTo(2);
        assertThat(fake.schema(PROJECT, DATASET, "shaped")).hasSize(9);
    }

    @Test
    void upsertUpdatesMatchedKeysAddsNewOnesAndRemovesDeletedOnes() throws Exception {
        ObjectNode settings = settings("upserted", "upsert");
        write(settings, deals("1, 1.00, 1, 'open', NULL, NULL, NULL, NULL", "2, 2.00, 2, 'open', NULL, NULL, NULL, NULL",
                "3, 3.00, 3, 'open', NULL, NULL, NULL, NULL"), "run-e", null);
        StagedTable deleted = deals("3, NULL, NULL, NULL, NULL, NULL, NULL, NULL");
        // Key 2 twice: the last one given wins; key 4 is new; key 3 was deleted at the source.
        write(settings, deals("2, 2.50, 2, 'first of two', NULL, NULL, NULL, NULL",
                "2, 2.75, 2, 'won', NULL, NULL, true, NULL", "4, 4.00, 4, 'new', NULL, NULL, NULL, NULL"), "run-f",
                deleted);
        List<Map<String, Object>> rows = fake.rows(PROJECT, DATASET, "upserted", "Deal_id");
        assertThat(rows).extracting(r -> r.get("Deal_id")).containsExactly(1L, 2L, 4L);
        assertThat(rows.get(1)).containsEntry("Stage", "won").containsEntry("Won", true);
        assertThat((BigDecimal) rows.get(1).get("Amount")).isEqualByComparingTo("2.75");
        assertThat(fake.tables(PROJECT, DATASET)).noneMatch(t -> t.contains("_rowflow_"));
    }

    @Test
    void quotaRefusalsAndALostUploadChunkAreSurvived() throws Exception {
        // Hex text compresses little, so the Parquet file spans several 256-KiB chunks.
        StagedTable rows = deals();
        try (Statement st = duck.createStatement()) {
            st.execute("INSERT INTO " + rows.sqlName() + " SELECT i, i + 0.25, i + 0.5, md5(i::VARCHAR) || md5((i * 7)"
                    + "::VARCHAR), NULL, NULL, NULL, i * 0.5 FROM range(40000) t(i)");
        }
        fake.failNext("POST", ".*/jobs.*", 2, 403, "rateLimitExceeded");
        fake.failNextUploadChunk(1, 503);
        int chunks = fake.uploadChunks();
        WriteResult result = write(settings("large", "replace"), rows, "run-g", null);
        assertThat(result.rowsWritten()).isEqualTo(40_000);
        assertThat(fake.rowCount(PROJECT, DATASET, "large")).isEqualTo(40_000);
        assertThat(fake.uploadChunks() - chunks).isGreaterThan(1);
        Map<String, Object> last = fake.rows(PROJECT, DATASET, "large", "Deal_id DESC").get(0);
        assertThat((BigDecimal) last.get("Amount")).isEqualByComparingTo("39999.25");
    }
}
