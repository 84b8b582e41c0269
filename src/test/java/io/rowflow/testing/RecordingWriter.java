package io.rowflow.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.writer.DestinationWriter;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.writer.WriterDescriptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A destination for tests of the run itself: it keeps what each write was given (the rows, and the deleted records of
 * {@link WriteContext#deleted()}), read back from the staging database as a real writer would, and changes nothing
 * else. Its {@code mode} is "append" or "upsert", as the real writers name them.
 */
@ApplicationScoped
public class RecordingWriter implements DestinationWriter {
    public static final String ID = "test-recorder";
    private static final ConfigSchema SCHEMA = ConfigSchema.of(new ObjectMapper().valueToTree(Map.of("type", "object",
            "additionalProperties", false, "properties", Map.of("mode", Map.of("type", "string", "enum", List.of(
                    "append", "upsert"), "default", "upsert"), "label", Map.of("type", "string")))));

    /** What one write was given: its settings' label, its rows' columns, its rows, and the deleted records (null: none). */
    public record Write(String label, List<String> columns, List<Map<String, Object>> rows,
            List<String> deletedColumns, List<Map<String, Object>> deleted) {
    }

    public final List<Write> writes = new CopyOnWriteArrayList<>();

    @Override
    public WriterDescriptor descriptor() {
        return new WriterDescriptor(ID, "Test recorder", "test", "none", SCHEMA.document());
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public WriteResult write(WriteContext context, StagedTable table) throws SQLException {
        StagedTable deleted = context.deleted();
        writes.add(new Write(context.settings().path("label").asText(""), names(table), rows(context, table),
                deleted == null ? null : names(deleted), deleted == null ? null : rows(context, deleted)));
        return new WriteResult(table.rowCount(), "the test recorder");
    }

    /** The writes whose settings carry this label, in order. */
    public List<Write> labelled(String label) {
        return writes.stream().filter(w -> w.label().equals(label)).toList();
    }

    private static List<String> names(StagedTable table) {
        return table.columns().stream().map(Column::name).toList();
    }

    private static List<Map<String, Object>> rows(WriteContext context, StagedTable table) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (table.columns().isEmpty()) {
            return rows;
        }
        try (Statement statement = context.staging().createStatement();
                ResultSet rs = statement.executeQuery(table.selectAll())) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < table.columns().size(); i++) {
                    Column column = table.columns().get(i);
                    row.put(column.name(), column.type().read(rs, i + 1));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
