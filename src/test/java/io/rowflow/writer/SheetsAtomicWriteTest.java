package io.rowflow.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.pipeline.TextInference;
import io.rowflow.testing.FakeSheets;
import io.rowflow.google.GoogleApis;
import io.rowflow.writer.sheets.GoogleSheetsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Sheets writer's atomicity where it used to be weakest, against the stateful fake and hand-staged tables: a first
 * write into a new tab (nobody sees the tab before it is full; a failed first run leaves no tab), and an upsert that
 * sends only the changed and new rows, removes the rows whose keys the source reported deleted, and leaves the tab
 * exactly as it was when its final batch fails.
 */
class SheetsAtomicWriteTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int CONTACTS = 2_345;
    static FakeSheets fake;
    static GoogleApis.Session session;
    static Path dir;
    static StagingArea area;

    @BeforeAll
    static void start() throws Exception {
        fake = new FakeSheets();
        String base = fake.startAlone();
        GoogleApis google = new GoogleApis(FakeSheets.writerConfig(base, Duration.ofMillis(10)));
        session = google.open(UUID.randomUUID(), JSON.createObjectNode().put("service_account_key",
                fake.serviceAccountKey()), null);
        dir = Files.createTempDirectory("rowflow-sheets-atomic");
        area = StagingArea.open(dir, StagingSettings.defaults());
    }

    @AfterAll
    static void stop() throws Exception {
        area.close();
        fake.stop();
    }

    static ObjectNode settings(String spreadsheet, String mode, String startCell) {
        ObjectNode settings = JSON.createObjectNode().put("connectionId", UUID.randomUUID().toString())
                .put("spreadsheet", spreadsheet).put("sheetName", "Data").put("startCell", startCell).put("mode", mode);
        if (mode.equals("upsert")) {
            settings.putArray("keyColumns").add("id");
        }
        return settings;
    }

    static WriteResult write(ObjectNode settings, StagedTable table, StagedTable deleted, int chunkBytes)
            throws Exception {
        return GoogleSheetsWriter.write(session, settings, new WriteContext(settings, area.connection(), dir, () -> false,
                () -> {
                }, null, deleted), table, chunkBytes);
    }

    static Map<String, Object> contact(int id, String name, double score) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", (long) id);
        row.put("email", "contact" + id + "@example.com");
        row.put("name", name);
        row.put("score", score);
        row.put("created", "2026-0" + (1 + id % 9) + "-1" + id % 10);
        return row;
    }

    static List<Map<String, Object>> contacts(int count) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            rows.add(contact(i, "Contact " + i, i * 0.25));
        }
        return rows;
    }

    static StagedTable stage(List<Map<String, Object>> rows) throws Exception {
        return area.stage(TextInference.TEMPORAL_ONLY, sink -> rows.forEach(sink::accept));
    }

    @Test
    void aNewTabAppearsInTheBatchThatFillsItAndAFailedFirstRunLeavesNone() throws Exception {
        String book = fake.create("New tab");
        List<List<FakeSheets.TabView>> seen = fake.watchTabs(book);
        // Small chunks: the 500 rows go up in many requests, between which the spreadsheet is watched.
        WriteResult result = write(settings(book, "replace", "B2"), stage(contacts(500)), null, 1_000);
        assertThat(result.rowsWritten()).isEqualTo(500);
        assertThat(seen.size()).isGreaterThan(20);
        for (List<FakeSheets.TabView> tabs : seen) {
            for (FakeSheets.TabView tab : tabs) {
                if (!tab.hidden()) {
                    assertThat(tab.title()).as("visible tabs %s", tabs).isIn("Sheet1", "Data");
                }
                if (tab.title().equals("Data")) {
                    assertThat(tab.hidden()).isFalse();
                    assertThat(tab.filledRows()).as("rows of Data when it was first seen").isEqualTo(502);
                }
            }
        }
        assertThat(fake.tabs(book)).containsExactly("Sheet1", "Data");
        assertThat(fake.gridSize(book, "Data")).containsExactly(1000, 26);
        assertThat(fake.cell(book, "Data", 1, 1).value()).isEqualTo("id");
        assertThat(fake.cell(book, "Data", 2, 1).value().toString()).isEqualTo("1");
        assertThat(fake.cell(book, "Data", 501, 3).value()).isEqualTo("Contact 500");
        assertThat(fake.cell(book, "Data", 501, 5).format()).isEqualTo("yyyy-mm-dd");
        assertThat(fake.cell(book, "Data", 0, 0)).isNull();

        // An upload is refused: the run fails and the spreadsheet is as before, with no tab added.
        String failing = fake.create("Failing first run");
        String before = fake.snapshot(failing);
        fake.refuseNextValuesUpdate();
        assertThatThrownBy(() -> write(settings(failing, "replace", "A1"), stage(contacts(50)), null, 4_000))
                .isInstanceOf(UpstreamException.class).hasMessageStartingWith("Google refused the request (uploading");
        assertThat(fake.tabs(failing)).containsExactly("Sheet1");
        assertThat(fake.snapshot(failing)).isEqualTo(before);

        // The final batch that names and shows the tab is refused: no tab either.
        fake.refuseNextBatchWith(failing, "updateSheetProperties");
        assertThatThrownBy(() -> write(settings(failing, "replace", "A1"), stage(contacts(50)), null, 4_000))
                .isInstanceOf(UpstreamException.class).hasMessageContaining("(adding the tab \"Data\")");
        assertThat(fake.snapshot(failing)).isEqualTo(before);
    }

    @Test
    void anUpsertOfThreeChangedContactsSendsThreeRowsAndEqualsTheMergedTab() throws Exception {
        List<Map<String, Object>> all = contacts(CONTACTS);
        String book = fake.create("Contacts");
        write(settings(book, "upsert", "A1"), stage(all), null, 1_800_000);

        List<Map<String, Object>> changed = List.of(contact(7, "Seven, renamed", 70.5), contact(1_200, "Twelve hundred",
                1.125), contact(2_345, "Last one", -3));
        List<Map<String, Object>> merged = new ArrayList<>(all);
        for (Map<String, Object> c : changed) {
            merged.set((int) (long) (Long) c.get("id") - 1, c);
        }
        // What the whole-rectangle path sends for the same result: the header and every row.
        String whole = fake.create("Whole rectangle");
        long[] wholeSent = sent(() -> write(settings(whole, "replace", "A1"), stage(merged), null, 1_800_000));

        long[] sent = sent(() -> write(settings(book, "upsert", "A1"), stage(changed), null, 1_800_000));
        System.out.printf(Locale.ROOT, "Upsert of 3 changed of %,d rows: %d rows, %,d bytes sent (the whole rectangle:"
                + " %d rows, %,d bytes)%n", CONTACTS, sent[0], sent[1], wholeSent[0], wholeSent[1]);
        assertThat(wholeSent[0]).isEqualTo(CONTACTS + 1);
        assertThat(sent[0]).isEqualTo(3);
        assertThat(sent[1]).isLessThan(wholeSent[1] / 20);
        assertThat(fake.grid(book, "Data")).hasSize(CONTACTS + 1).isEqualTo(fake.grid(whole, "Data"));
        assertThat(fake.cell(book, "Data", 7, 2).value()).isEqualTo("Seven, renamed");
        assertThat(new java.math.BigDecimal(fake.cell(book, "Data", 2_345, 3).value().toString())).isEqualByComparingTo("-3");

        // A failure in the final batch: the tab stays exactly as it was, the staging tab is removed.
        String before = fake.snapshot(book);
        fake.refuseNextBatchWith(book, "copyPaste");
        assertThatThrownBy(() -> write(settings(book, "upsert", "A1"), stage(List.of(contact(8, "Eight", 8),
                contact(9_999, "New", 1))), null, 1_800_000)).isInstanceOf(UpstreamException.class)
                .hasMessageContaining("(updating the tab's rows)");
        assertThat(fake.snapshot(book)).isEqualTo(before);
    }

    @Test
    void rowsWhoseKeysTheSourceReportsDeletedVanish() throws Exception {
        List<Map<String, Object>> all = contacts(400);
        String book = fake.create("Deletions");
        fake.type(book, "Data", 0, 7, "notes"); // the user's column right of Rowflow's rectangle stays where it is
        fake.type(book, "Data", 11, 7, "call back");
        write(settings(book, "upsert", "A1"), stage(all), null, 1_800_000);

        // Contacts 10, 11 and 300 were deleted (and one the tab never had); 5 changed; 401 is new.
        StagedTable deleted = stage(List.of(contact(10, "x", 0), contact(11, "x", 0), contact(300, "x", 0),
                contact(5_000, "x", 0)));
        List<Map<String, Object>> rows = List.of(contact(5, "Five", 5), contact(401, "New", 4));
        long[] sent = sent(() -> write(settings(book, "upsert", "A1"), stage(rows), deleted, 1_800_000));
        assertThat(sent[0]).isEqualTo(2);

        List<Map<String, Object>> expected = new ArrayList<>(all);
        expected.set(4, contact(5, "Five", 5));
        expected.add(contact(401, "New", 4));
        expected.removeIf(r -> Set.of(10L, 11L, 300L).contains(r.get("id")));
        String merged = fake.create("Expected");
        write(settings(merged, "replace", "A1"), stage(expected), null, 1_800_000);
        assertThat(columns(fake.grid(book, "Data"), 5)).hasSize(399).isEqualTo(columns(fake.grid(merged, "Data"), 5));
        assertThat(fake.cell(book, "Data", 11, 7).value()).isEqualTo("call back");

        // When most rows change the whole rectangle is rewritten; deleted keys vanish there too.
        String small = fake.create("Small");
        write(settings(small, "upsert", "A1"), stage(contacts(4)), null, 1_800_000);
        long[] rewritten = sent(() -> write(settings(small, "upsert", "A1"), stage(List.of(contact(1, "One", 1),
                contact(3, "Three", 3))), stage(List.of(contact(2, "x", 0))), 1_800_000));
        assertThat(rewritten[0]).isEqualTo(4); // the header and the three rows left
        List<List<Object>> grid = fake.grid(small, "Data");
        assertThat(grid).hasSize(4);
        assertThat(grid.stream().skip(1).map(r -> ((FakeSheets.Cell) r.get(0)).value().toString()))
                .containsExactly("1", "3", "4");
        assertThat(((FakeSheets.Cell) grid.get(1).get(2)).value()).isEqualTo("One");
    }

    /** The first {@code width} cells of each row. */
    static List<List<Object>> columns(List<List<Object>> grid, int width) {
        return grid.stream().map(r -> r.subList(0, Math.min(width, r.size()))).toList();
    }

    interface Call {
        void run() throws Exception;
    }

    /** Rows of values and request bytes (uncompressed) the fake received during the call. */
    static long[] sent(Call call) throws Exception {
        long rows = fake.rowsReceived.get();
        long bytes = fake.payloadBytes.get();
        call.run();
        return new long[] { fake.rowsReceived.get() - rows, fake.payloadBytes.get() - bytes };
    }
}
