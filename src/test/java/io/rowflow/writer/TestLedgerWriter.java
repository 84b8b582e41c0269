package io.rowflow.writer;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.error.DataException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.pipeline.StagedTable;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A destination added the way any is: this class, its settings schema (schemas/test-ledger.json) and its connection
 * type's entry (rowflow/connection-types.yaml), all in the test sources, nothing else touched. It writes the rows as
 * text lines into a ledger file to download, through an account whose books its picker offers; it proves it got the
 * account's secret by refusing to write without it.
 */
@ApplicationScoped
public class TestLedgerWriter implements DestinationWriter {
    static final String ID = "test-ledger";
    static final String FILE = "ledger.txt";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/test-ledger.json");
    /** Books made through the picker, by connection. */
    private final Map<UUID, List<String>> madeBooks = new ConcurrentHashMap<>();

    @Override
    public WriterDescriptor descriptor() {
        return new WriterDescriptor(ID, "Test ledger", "files", "connection", SCHEMA.document())
                .withConnectionType("test-ledger-account")
                .withPickers(List.of(WriterDescriptor.Picker.of(ID, "book", "Book", List.of(), true)))
                .withFile(new WriterDescriptor.FileOutput(FILE, "text/plain", ".txt", "Download the ledger"));
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public List<PickerOption> options(String setting, PickerRequest request) {
        List<PickerOption> books = new ArrayList<>();
        Arrays.stream(request.connection().settings().path("books").asText("").split(",")).map(String::strip)
                .filter(b -> !b.isEmpty()).forEach(b -> books.add(new PickerOption(b, "Book " + b)));
        madeBooks.getOrDefault(request.connection().connectionId(), List.of())
                .forEach(b -> books.add(new PickerOption(b, "Book " + b + " (new)")));
        return books;
    }

    @Override
    public PickerOption create(String setting, PickerRequest request, String title) {
        madeBooks.computeIfAbsent(request.connection().connectionId(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(title);
        return new PickerOption(title, "Book " + title + " (new)");
    }

    @Override
    public WriteResult write(WriteContext context, StagedTable table) throws Exception {
        JsonNode account = context.connection() == null ? null : context.connection().settings();
        if (account == null || account.path("apiKey").asText("").isEmpty()) {
            throw new DataException("The ledger account's API key did not reach the destination");
        }
        StringBuilder lines = new StringBuilder("book: " + context.settings().path("book").asText() + "\n");
        if (context.settings().hasNonNull("memo")) {
            lines.append("memo: ").append(context.settings().get("memo").asText()).append('\n');
        }
        long rows = 0;
        try (Statement s = context.staging().createStatement(); ResultSet rs = s.executeQuery(table.selectAll())) {
            while (rs.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= table.columns().size(); i++) {
                    cells.add(String.valueOf(rs.getString(i)));
                }
                lines.append(String.join(" | ", cells)).append('\n');
                rows++;
            }
        }
        Files.writeString(context.folder().resolve(FILE), lines, StandardCharsets.UTF_8);
        return new WriteResult(rows, "the ledger");
    }
}
