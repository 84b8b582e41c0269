package io.rowflow.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.connector.SourceContext;
import io.rowflow.testing.FakeSheets;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Google Sheets source against FakeSheets (values.batchGet and the number-format probe, as Google documents them),
 * through a service account's key: several tabs appended into one stream with a _tab column, dates typed from their
 * cells' formats, numbers exact.
 */
class GoogleSheetsSourceTest {
    private final FakeSheets sheets = new FakeSheets();
    private GoogleSheetsSource source;

    @BeforeEach
    void start() {
        String base = sheets.startAlone();
        source = new GoogleSheetsSource(new GoogleApis(new SheetsConfig() {
            @Override
            public String rootUrl() {
                return base + "/";
            }

            @Override
            public String driveRootUrl() {
                return base + "/";
            }

            @Override
            public String tokenUrl() {
                return base + "/token";
            }

            @Override
            public int writesPerMinutePerUser() {
                return 1000;
            }

            @Override
            public int writesPerMinute() {
                return 1000;
            }

            @Override
            public int chunkBytes() {
                return 1_800_000;
            }

            @Override
            public Duration initialBackoff() {
                return Duration.ofMillis(10);
            }
        }));
    }

    @AfterEach
    void stop() {
        sheets.stop();
    }

    /** "2024-01-15" is serial 45306 (days since 1899-12-30); 10:30 is 0.4375 of a day. */
    private String book() {
        String id = sheets.create("Sales");
        // Tab "Sheet1" holds notes; the data is in "North" and "South".
        sheets.type(id, "Sheet1", 0, 0, "notes");
        for (String tab : List.of("North", "South")) {
            sheets.type(id, tab, 0, 0, "Order");
            sheets.type(id, tab, 0, 1, "Day");
            sheets.type(id, tab, 0, 2, "Amount");
            sheets.type(id, tab, 0, 3, "Paid");
        }
        sheets.type(id, "South", 0, 4, "Shipped at");
        sheets.put(id, "North", 1, 0, new BigDecimal("1"), null);
        sheets.put(id, "North", 1, 1, new BigDecimal("45306"), "yyyy-mm-dd");
        sheets.put(id, "North", 1, 2, new BigDecimal("0.1"), "#,##0.00");
        sheets.put(id, "North", 1, 3, Boolean.TRUE, null);
        sheets.put(id, "North", 2, 0, new BigDecimal("2"), null);
        sheets.put(id, "North", 2, 1, new BigDecimal("45307"), "yyyy-mm-dd");
        sheets.put(id, "North", 2, 2, new BigDecimal("0.30000000000000004"), "#,##0.00"); // =0.1+0.2 as a double
        // Row 3 left blank, then one more row: Sheets keeps the blank row, the source skips it.
        sheets.put(id, "North", 4, 0, new BigDecimal("3"), null);
        sheets.put(id, "North", 4, 2, new BigDecimal("1234567.89"), "#,##0.00");
        sheets.put(id, "North", 4, 3, Boolean.FALSE, null);
        sheets.put(id, "South", 1, 0, new BigDecimal("10"), null);
        sheets.put(id, "South", 1, 1, new BigDecimal("45308"), "d mmm yyyy");
        sheets.put(id, "South", 1, 2, new BigDecimal("19.99"), null);
        sheets.put(id, "South", 1, 3, Boolean.TRUE, null);
        sheets.put(id, "South", 1, 4, new BigDecimal("45306.4375"), "yyyy-mm-dd hh:mm");
        return id;
    }

    private List<Map<String, Object>> read(ObjectNode settings) {
        settings.put("service_account_key", sheets.serviceAccountKey());
        List<Map<String, Object>> records = new ArrayList<>();
        source.read(new SourceContext(settings, null), r -> records.add(new LinkedHashMap<>(r)));
        return records;
    }

    @Test
    void twoTabsAreAppendedWithTheirNamesAndTypedValues() {
        String id = book();
        ObjectNode settings = new ObjectMapper().createObjectNode()
                .put("spreadsheet", "https://docs.google.com/spreadsheets/d/" + id + "/edit#gid=0");
        settings.putArray("tabs").add("North").add("South");
        List<Map<String, Object>> records = read(settings);
        assertThat(sheets.batchGets.get()).isEqualTo(1); // both tabs in one values.batchGet
        assertThat(records).hasSize(4);
        assertThat(records.get(0)).containsExactly(Map.entry("_tab", "North"), Map.entry("Order", 1L),
                Map.entry("Day", "2024-01-15"), Map.entry("Amount", new BigDecimal("0.1")), Map.entry("Paid", true));
        assertThat(records.get(1)).containsEntry("_tab", "North").containsEntry("Day", "2024-01-16")
                .containsEntry("Amount", new BigDecimal("0.3")).containsEntry("Paid", null);
        assertThat(records.get(2)).containsEntry("Order", 3L).containsEntry("Day", null)
                .containsEntry("Amount", new BigDecimal("1234567.89")).containsEntry("Paid", false);
        assertThat(records.get(3)).containsExactly(Map.entry("_tab", "South"), Map.entry("Order", 10L),
                Map.entry("Day", "2024-01-17"), Map.entry("Amount", new BigDecimal("19.99")), Map.entry("Paid", true),
                Map.entry("Shipped at", "2024-01-15T10:30:00"));
    }

    @Test
    void oneTabHasNoTabColumnAndTheFirstTabIsTheDefault() {
        String id = book();
        ObjectNode settings = new ObjectMapper().createObjectNode().put("spreadsheet", id).put("sheetName", "South");
        assertThat(read(settings)).containsExactly(Map.of("Order", 10L, "Day", "2024-01-17", "Amount",
                new BigDecimal("19.99"), "Paid", true, "Shipped at", "2024-01-15T10:30:00"));
        assertThat(read(new ObjectMapper().createObjectNode().put("spreadsheet", id))).isEmpty(); // "notes" only
    }

    /** Sheets' per-minute read quota answered twice with 429 RESOURCE_EXHAUSTED: the read backs off and goes on. */
    @Test
    void aReadQuotaAnswerIsWaitedOutAndTheReadCompletes() {
        String id = book();
        sheets.throttleNextReads(2);
        ObjectNode settings = new ObjectMapper().createObjectNode().put("spreadsheet", id);
        settings.putArray("tabs").add("North").add("South");
        assertThat(read(settings)).hasSize(4);
        assertThat(sheets.tooManyRequests.get()).isEqualTo(2);
    }

    /** An access token Google no longer takes (revoked, or a sign-in removed): a 401 that asks for a reconnect. */
    @Test
    void aRevokedSignInIsRefusedAsNeedingAReconnect() {
        String id = book();
        ObjectNode settings = new ObjectMapper().createObjectNode().put("spreadsheet", id)
                .put("access_token", "ya29.revoked-" + java.util.UUID.randomUUID());
        List<Map<String, Object>> records = new ArrayList<>();
        assertThatThrownBy(() -> source.read(new SourceContext(settings, null), r -> records.add(r)))
                .isInstanceOfSatisfying(io.rowflow.common.error.UpstreamException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
        assertThat(records).isEmpty();
    }

    @Test
    void serialNumbersBecomeDatesTimesAndTimestamps() {
        assertThat(GoogleSheetsSource.value(new BigDecimal("45306"), "DATE")).isEqualTo("2024-01-15");
        assertThat(GoogleSheetsSource.value(new BigDecimal("45306.75"), "DATE_TIME")).isEqualTo("2024-01-15T18:00:00");
        assertThat(GoogleSheetsSource.value(new BigDecimal("0.5"), "TIME")).isEqualTo("12:00:00");
        assertThat(GoogleSheetsSource.value(new BigDecimal("45306"), "NUMBER")).isEqualTo(45306L);
        assertThat(GoogleSheetsSource.value("", null)).isNull();
        assertThat(GoogleSheetsSource.value("text", "DATE")).isEqualTo("text");
    }
}
