package io.rowflow.publish;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.RunCancelledException;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.storage.DataFolder;
import io.rowflow.writer.DestinationLink;
import io.rowflow.writer.DestinationWriter;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.writer.WriterDescriptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Publishes the flow's latest result for BI tools: one pass over the rows writes a CSV file (RFC 4180, a header row)
 * and a newline-delimited JSON file beside it, each to a temporary file moved over the old one, so a reader gets a
 * whole file. {@link PublishedResource} serves them at the destination's secret URL, the JSON also as one array.
 * Values are written exactly: decimals with their own places, integers whole (19 digits included), dates as
 * {@code 2024-01-31}, timestamps in UTC as {@code 2024-01-31T10:00:00Z}; an empty value is an empty CSV field and a
 * JSON null. CSV fields are not altered for spreadsheets (a leading {@code =} stays): this is a data feed.
 */
@ApplicationScoped
public class PublishedWriter implements DestinationWriter {
    public static final String ID = "published";
    static final String CSV_FILE = "published.csv";
    static final String NDJSON_FILE = "published.ndjson";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/published.json");
    private static final DateTimeFormatter UTC = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
    private static final JsonFactory JSON = new JsonFactory();

    private final PublicationService publications;

    public PublishedWriter(PublicationService publications) {
        this.publications = publications;
    }

    /** The CSV address (the page lists the JSON ones), when Rowflow's public address is known. */
    @Override
    public Optional<DestinationLink> link(DestinationLink.Request request) {
        return request.publicBase().map(base -> new DestinationLink(publications.view(request.flowId(), request.index(),
                base).csvUrl(), "Open the published CSV"));
    }

    @Override
    public WriterDescriptor descriptor() {
        return new WriterDescriptor(ID, "Published CSV and JSON URL", "files", "none", SCHEMA.document()).withAddresses();
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    /** The latest result only: an incremental source's changes alone would hide the rest. */
    @Override
    public boolean keepsEarlierRows(JsonNode settings) {
        return false;
    }

    @Override
    public WriteResult write(WriteContext context, StagedTable table) throws Exception {
        JsonNode settings = SCHEMA.withDefaults(context.settings());
        List<Column> columns = table.columns();
        String suffix = "." + UUID.randomUUID() + ".tmp";
        Path csv = context.folder().resolve("." + CSV_FILE + suffix);
        Path ndjson = context.folder().resolve("." + NDJSON_FILE + suffix);
        long rows = 0;
        try {
            DataFolder.createPrivateFile(csv);
            DataFolder.createPrivateFile(ndjson);
            try (OutputStream csvOut = new BufferedOutputStream(Files.newOutputStream(csv), 1 << 16);
                    Writer csvText = new OutputStreamWriter(csvOut, StandardCharsets.UTF_8);
                    OutputStream jsonOut = new BufferedOutputStream(Files.newOutputStream(ndjson), 1 << 16);
                    JsonGenerator json = JSON.createGenerator(jsonOut, JsonEncoding.UTF8)) {
                if (settings.path("bom").asBoolean(false)) {
                    csvText.write('\uFEFF');
                }
                json.setRootValueSeparator(new SerializedString("\n"));
                CSVPrinter printer = new CSVPrinter(csvText, CSVFormat.RFC4180);
                printer.printRecord(columns.stream().map(Column::name).toList());
                ColumnType[] types = columns.stream().map(Column::type).toArray(ColumnType[]::new);
                try (Statement statement = context.staging().createStatement();
                        ResultSet rs = statement.executeQuery(table.selectAll())) {
                    Object[] values = new Object[types.length];
                    while (rs.next()) {
                        if ((rows & 0x3FFF) == 0 && context.cancelled().getAsBoolean()) {
                            throw new RunCancelledException();
                        }
                        for (int i = 0; i < types.length; i++) {
                            values[i] = types[i].read(rs, i + 1);
                        }
                        writeCsv(printer, values);
                        writeJson(json, columns, types, values);
                        rows++;
                    }
                }
                printer.flush();
                if (rows > 0) {
                    json.writeRaw('\n');
                }
            }
            context.fence().run();
            Files.move(ndjson, context.folder().resolve(NDJSON_FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            Files.move(csv, context.folder().resolve(CSV_FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return new WriteResult(rows, "its published URL");
        } finally {
            Files.deleteIfExists(csv);
            Files.deleteIfExists(ndjson);
        }
    }

    private static void writeCsv(CSVPrinter printer, Object[] values) throws IOException {
        for (Object value : values) {
            printer.print(value == null ? "" : text(value));
        }
        printer.println();
    }

    private static void writeJson(JsonGenerator json, List<Column> columns, ColumnType[] types, Object[] values)
            throws IOException {
        json.writeStartObject();
        for (int i = 0; i < values.length; i++) {
            json.writeFieldName(columns.get(i).name());
            Object value = values[i];
            if (value == null) {
                json.writeNull();
            } else if (value instanceof Long number) {
                json.writeNumber(number);
            } else if (value instanceof BigDecimal decimal) {
                json.writeNumber(decimalText(decimal)); // the digits as they are, never through a double
            } else if (value instanceof Double number) {
                if (number.isNaN() || number.isInfinite()) {
                    json.writeString(number.toString()); // JSON has no such numbers
                } else {
                    json.writeNumber(number);
                }
            } else if (value instanceof Boolean flag) {
                json.writeBoolean(flag);
            } else if (types[i] == ColumnType.JSON) {
                json.writeRawValue((String) value); // nested arrays were kept as JSON text
            } else {
                json.writeString(text(value));
            }
        }
        json.writeEndObject();
    }

    static String text(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimalText(decimal);
        }
        if (value instanceof LocalDateTime timestamp) {
            return UTC.format(timestamp) + "Z";
        }
        if (value instanceof LocalDate date) {
            return date.toString();
        }
        if (value instanceof Double number && !number.isNaN() && !number.isInfinite()) {
            return decimalText(BigDecimal.valueOf(number).stripTrailingZeros()); // 1e21 as digits, not "1.0E21"
        }
        return value.toString();
    }

    /** A decimal with its own places (527.50 stays 527.50); a cast's generic places trimmed. */
    static String decimalText(BigDecimal decimal) {
        BigDecimal shown = decimal.scale() == ColumnType.GENERIC_SCALE ? decimal.stripTrailingZeros() : decimal;
        return (shown.scale() < 0 ? shown.setScale(0) : shown).toPlainString();
    }
}
