package io.rowflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Staging in a real DuckDB database: how column types are decided, and that nothing is changed on the way. */
public class StagingAreaTest {
    @TempDir
    Path dir;

    /** A record with its fields in the order given. */
    public static Map<String, Object> row(Object... pairs) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            row.put((String) pairs[i], pairs[i + 1]);
        }
        return row;
    }

    StagedTable stage(StagingArea area, TextInference inference, List<Map<String, Object>> rows) throws Exception {
        return area.stage(inference, sink -> rows.forEach(sink::accept));
    }

    static Map<String, ColumnType> types(StagedTable table) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        table.columns().forEach(c -> types.put(c.name(), c.type()));
        return types;
    }

    static List<List<Object>> rows(StagingArea area, StagedTable table) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = area.connection().createStatement(); ResultSet rs = s.executeQuery(table.selectAll())) {
            while (rs.next()) {
                Object[] values = new Object[table.columns().size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = rs.getObject(i + 1);
                }
                rows.add(Arrays.asList(values));
            }
        }
        return rows;
    }

    @Test
    void textColumnsTakeATypeOnlyWhenEveryValueFitsWithoutLoss() throws Exception {
        try (StagingArea area = StagingArea.open(dir, StagingSettings.defaults())) {
            StagedTable table = stage(area, TextInference.ALL, List.of(
                    row("int", "1", "zip", "00123", "dec", "1.5", "huge", "123456789012345678901", "precise", "0.1234567890123456",
                            "bool", "TRUE", "day", "2024-02-29", "ts", "2024-02-29T10:00:00Z", "mixed", "1", "none", null),
                    row("int", "-20", "zip", "12345", "dec", "2", "huge", "1", "precise", "1", "bool", "false",
                            "day", "2024-03-01", "ts", "2024-03-01 23:59", "mixed", "abc", "none", null),
                    row("int", null, "zip", null, "dec", "-0.25", "huge", null, "precise", null, "bool", null,
                            "day", null, "ts", "2024-03-01T01:00:00+01:00", "mixed", null, "none", null)));
            assertThat(types(table)).containsExactly(
                    Map.entry("int", ColumnType.INTEGER), Map.entry("zip", ColumnType.STRING),
                    Map.entry("dec", ColumnType.DECIMAL), Map.entry("huge", ColumnType.STRING),
                    Map.entry("precise", ColumnType.STRING), Map.entry("bool", ColumnType.BOOLEAN),
                    Map.entry("day", ColumnType.DATE), Map.entry("ts", ColumnType.TIMESTAMP),
                    Map.entry("mixed", ColumnType.STRING), Map.entry("none", ColumnType.STRING));
            assertThat(table.rowCount()).isEqualTo(3);
            List<List<Object>> rows = rows(area, table);
            assertThat(rows.get(0).get(1)).isEqualTo("00123");
            assertThat(rows.get(0).get(3)).isEqualTo("123456789012345678901");
            assertThat(rows.get(1).get(5)).isEqualTo(false);
            assertThat(rows.get(2).get(7).toString()).isEqualTo("2024-03-01 00:00:00.0");
        }
    }

    @Test
    void typedSourcesKeepTheirTypesAndStringsStayStrings() throws Exception {
        try (StagingArea area = StagingArea.open(null, StagingSettings.defaults())) {
            StagedTable table = stage(area, TextInference.TEMPORAL_ONLY, List.of(
                    row("id", 1L, "price", new BigDecimal("9.99"), "numberAsText", "42", "flag", true, "when", "2024-01-01",
                            "list", new JsonText("[1,2]"), "big", new BigInteger("123456789012345678901234")),
                    row("id", 2L, "price", 3L, "numberAsText", "43", "flag", false, "when", "2024-01-02",
                            "list", new JsonText("[]"), "big", new BigInteger("99999999999999999999"))));
            assertThat(types(table)).containsExactly(Map.entry("id", ColumnType.INTEGER),
                    Map.entry("price", ColumnType.DECIMAL), Map.entry("numberAsText", ColumnType.STRING),
                    Map.entry("flag", ColumnType.BOOLEAN), Map.entry("when", ColumnType.DATE),
                    Map.entry("list", ColumnType.JSON), Map.entry("big", ColumnType.STRING));
            assertThat(rows(area, table).get(0).stream().map(String::valueOf))
                    .containsExactly("1", "9.99", "42", "true", "2024-01-01", "[1,2]", "123456789012345678901234");
        }
    }

    @Test
    void aWideSourceStagesInOneSchemaChangeAndAHeaderAloneKeepsItsColumns() throws Exception {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            names.add("field " + i);
        }
        try (StagingArea area = StagingArea.open(null, StagingSettings.defaults())) {
            long start = System.nanoTime();
            StagedTable wide = area.stage(TextInference.ALL, sink -> {
                sink.accept(ColumnsAnnouncement.of(names));
                for (int r = 0; r < 100; r++) {
                    Map<String, Object> record = new java.util.LinkedHashMap<>();
                    for (String name : names) {
                        record.put(name, "v" + r);
                    }
                    sink.accept(record);
                }
            });
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("StagingAreaTest: 2,000 columns x 100 rows staged in %d ms%n", millis);
            assertThat(wide.columns()).hasSize(2000);
            assertThat(wide.rowCount()).isEqualTo(100);
            assertThat(rows(area, wide).get(99).get(1999)).isEqualTo("v99");

            StagedTable headerOnly = area.stage(TextInference.ALL, sink -> sink.accept(ColumnsAnnouncement.of(
                    List.of("id", "name"))));
            assertThat(headerOnly.columns()).extracting(Column::name).containsExactly("id", "name");
            assertThat(headerOnly.rowCount()).isZero();
        }
    }

    @Test
    void aSourceWiderThanASpreadsheetFailsClearly() throws Exception {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i <= StagingArea.MAX_COLUMNS; i++) {
            names.add("c" + i);
        }
        try (StagingArea area = StagingArea.open(null, StagingSettings.defaults())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> area.stage(TextInference.ALL,
                    sink -> sink.accept(ColumnsAnnouncement.of(names))))
                    .hasMessageContaining("more than 16384 columns");
        }
    }

    @Test
    void columnsThatAppearLaterAreNullBeforeAndOrderIsKept() throws Exception {
        try (StagingArea area = StagingArea.open(null, StagingSettings.defaults())) {
            List<Map<String, Object>> input = new ArrayList<>();
            for (long i = 0; i < 5000; i++) {
                input.add(i < 4000 ? row("n", i) : row("n", i, "late", "x" + i));
            }
            StagedTable table = stage(area, TextInference.TEMPORAL_ONLY, input);
            List<List<Object>> rows = rows(area, table);
            assertThat(rows).hasSize(5000);
            for (int i = 0; i < 5000; i++) {
                assertThat(rows.get(i).get(0)).isEqualTo((long) i);
            }
            assertThat(rows.get(3999).get(1)).isNull();
            assertThat(rows.get(4000).get(1)).isEqualTo("x4000");
        }
    }

    @Test
    void anEmptySourceStagesNoRows() throws Exception {
        try (StagingArea area = StagingArea.open(null, StagingSettings.defaults())) {
            StagedTable table = stage(area, TextInference.ALL, List.of());
            assertThat(table.rowCount()).isZero();
            assertThat(table.columns()).isEmpty();
            assertThat(area.count(table)).isZero();
        }
    }

    @Test
    void nestedJsonFlattensToDottedColumns() throws Exception {
        var parser = new ObjectMapper().getFactory().createParser("{\"a\":1,\"b\":{\"c\":\"x\",\"d\":{\"e\":true}},"
                + "\"f\":[1,{\"g\":2}],\"h\":{},\"i\":null,\"j\":1.50,\"k\":12345678901234567890123}");
        parser.nextToken();
        Map<String, Object> flat = Flattener.flatten(parser);
        assertThat(flat.keySet()).containsExactly("a", "b.c", "b.d.e", "f", "h", "i", "j", "k");
        assertThat(flat.values()).containsExactly(1L, "x", true, new JsonText("[1,{\"g\":2}]"), new JsonText("{}"), null,
                new BigDecimal("1.50") /* as written: its places are kept */, new BigInteger("12345678901234567890123"));
    }
}
