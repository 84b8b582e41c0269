package io.rowflow.writer.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.services.bigquery.model.TableFieldSchema;
import io.rowflow.common.error.DataException;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BigQueryColumnsTest {
    private static final List<Column> COLUMNS = List.of(new Column("Deal id", ColumnType.INTEGER, "c0"),
            new Column("Amount ($)", ColumnType.DECIMAL, "c1"), new Column("amount", ColumnType.DECIMAL, "c2"),
            new Column("Rate", ColumnType.DECIMAL, "c3"), new Column("Closed at", ColumnType.TIMESTAMP, "c4"),
            new Column("2024 target", ColumnType.DECIMAL, "c5"), new Column("Tags", ColumnType.JSON, "c6"),
            new Column("Won?", ColumnType.BOOLEAN, "c7"), new Column("Closed on", ColumnType.DATE, "c8"),
            new Column("Stage", ColumnType.STRING, "c9"), new Column("_PARTITIONTIME", ColumnType.STRING, "c10"),
            new Column("Café", ColumnType.STRING, "c11"));
    private static final Map<String, String> TYPES = Map.ofEntries(Map.entry("c0", "BIGINT"),
            Map.entry("c1", "DECIMAL(18,2)"), Map.entry("c2", "DECIMAL(38,10)"), Map.entry("c3", "DOUBLE"),
            Map.entry("c4", "TIMESTAMP"), Map.entry("c5", "HUGEINT"), Map.entry("c6", "VARCHAR"),
            Map.entry("c7", "BOOLEAN"), Map.entry("c8", "DATE"), Map.entry("c9", "VARCHAR"), Map.entry("c10", "VARCHAR"),
            Map.entry("c11", "VARCHAR"));

    @Test
    void eachColumnGetsItsExactTypeAndAValidUniqueName() {
        List<BigQueryColumns.Field> fields = BigQueryColumns.of(COLUMNS, TYPES);
        assertThat(fields).extracting(BigQueryColumns.Field::name).containsExactly("Deal_id", "Amount", "amount_2",
                "Rate", "Closed_at", "_2024_target", "Tags", "Won", "Closed_on", "Stage", "c_PARTITIONTIME", "Cafe");
        assertThat(fields).extracting(BigQueryColumns.Field::type).containsExactly("INT64", "NUMERIC", "BIGNUMERIC",
                "FLOAT64", "TIMESTAMP", "BIGNUMERIC", "JSON", "BOOL", "DATE", "STRING", "STRING", "STRING");
        assertThat(fields).extracting(BigQueryColumns.Field::expression).containsExactly("CAST(\"c0\" AS BIGINT)",
                "CAST(\"c1\" AS DECIMAL(38,9))", "CAST(\"c2\" AS DECIMAL(38,10))", "CAST(\"c3\" AS DOUBLE)",
                "timezone('UTC', CAST(\"c4\" AS TIMESTAMP))", "CAST(\"c5\" AS DECIMAL(38,0))", "CAST(\"c6\" AS JSON)",
                "CAST(\"c7\" AS BOOLEAN)", "CAST(\"c8\" AS DATE)", "CAST(\"c9\" AS VARCHAR)", "CAST(\"c10\" AS VARCHAR)",
                "CAST(\"c11\" AS VARCHAR)");
    }

    @Test
    void namesKeepTheirOwnUnderscoresAndStayWithinThreeHundredCharacters() {
        assertThat(BigQueryColumns.validName("_id")).isEqualTo("_id");
        assertThat(BigQueryColumns.validName("total_")).isEqualTo("total_");
        assertThat(BigQueryColumns.validName("  Net € value  ")).isEqualTo("Net_value");
        assertThat(BigQueryColumns.validName("€€")).isEqualTo("column");
        assertThat(BigQueryColumns.validName("x".repeat(400))).hasSize(300);
    }

    @Test
    void anExistingTableKeepsItsFieldsWidensWholeNumbersAndGainsNewColumns() {
        List<BigQueryColumns.Field> flow = BigQueryColumns.of(List.of(new Column("id", ColumnType.INTEGER, "c0"),
                new Column("amount", ColumnType.INTEGER, "c1"), new Column("new one", ColumnType.STRING, "c2")),
                Map.of("c0", "BIGINT", "c1", "BIGINT", "c2", "VARCHAR"));
        List<TableFieldSchema> table = List.of(field("note", "STRING", "NULLABLE"), field("ID", "INTEGER", "REQUIRED"),
                field("amount", "NUMERIC", null));
        List<BigQueryColumns.Field> load = BigQueryColumns.against(flow, table, "p.d.t");
        assertThat(load).extracting(BigQueryColumns.Field::name).containsExactly("note", "ID", "amount", "new_one");
        assertThat(load).extracting(BigQueryColumns.Field::type).containsExactly("STRING", "INT64", "NUMERIC", "STRING");
        assertThat(load).extracting(BigQueryColumns.Field::expression).containsExactly(null, "CAST(\"c0\" AS BIGINT)",
                "CAST(\"c1\" AS DECIMAL(38,9))", "CAST(\"c2\" AS VARCHAR)");
        assertThat(BigQueryColumns.added(load, table)).extracting(BigQueryColumns.Field::name).containsExactly("new_one");
    }

    @Test
    void aChangeOfTypeOrAMissingRequiredColumnIsRefusedNamingEach() {
        List<BigQueryColumns.Field> flow = BigQueryColumns.of(List.of(new Column("amount", ColumnType.STRING, "c0")),
                Map.of("c0", "VARCHAR"));
        assertThatThrownBy(() -> BigQueryColumns.against(flow, List.of(field("amount", "NUMERIC", "NULLABLE"),
                field("id", "INT64", "REQUIRED")), "p.d.t")).isInstanceOf(DataException.class).hasMessage(
                        "The BigQuery table p.d.t cannot take the flow's columns as they are: “amount” is NUMERIC in the"
                                + " table, and the flow now gives STRING; “id” is REQUIRED in the table, and the flow has"
                                + " no such column. Change the column's type in the transform, or write to a new table;"
                                + " nothing was written");
    }

    private static TableFieldSchema field(String name, String type, String mode) {
        return new TableFieldSchema().setName(name).setType(type).setMode(mode);
    }
}
