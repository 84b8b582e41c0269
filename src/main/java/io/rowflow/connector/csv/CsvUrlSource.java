package io.rowflow.connector.csv;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.error.DataException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpBody;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.Origin;
import io.rowflow.pipeline.ColumnNames;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads a CSV file from an http(s) URL, streaming: the file is never held whole. */
@ApplicationScoped
public class CsvUrlSource implements SourceConnector {
    public static final String ID = "csv-url";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/csv-url.json");

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(ID, "CSV from URL", "files", "none", SCHEMA.document(), List.of("rows"));
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public Optional<Origin> origin(JsonNode config) {
        return Origin.parse(config == null ? null : config.path("url").asText(null));
    }

    @Override
    public TextInference textInference() {
        return TextInference.ALL;
    }

    @Override
    public void read(SourceContext context, RecordSink sink) {
        JsonNode config = SCHEMA.withDefaults(context.config());
        URI uri = URI.create(config.path("url").asText().trim());
        Charset fallback = charset(config.path("encoding").asText("UTF-8"));
        HttpRequestSpec request = HttpRequestSpec.get(uri, headers(config));
        context.http().execute(request, body -> {
            parse(body, fallback, config, sink);
            return null;
        });
    }

    private static Map<String, String> headers(JsonNode config) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "text/csv, text/plain;q=0.9, */*;q=0.5");
        config.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        return headers;
    }

    static Charset charset(String name) {
        try {
            return Charset.forName(name.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new DataException("Unknown encoding \"" + name + "\"");
        }
    }

    private static void parse(HttpBody body, Charset configured, JsonNode config, RecordSink sink) throws IOException {
        if (body.isWebPage()) {
            throw notCsv(body);
        }
        PushbackInputStream in = new PushbackInputStream(body.stream(), SNIFF_BYTES);
        byte[] start = in.readNBytes(SNIFF_BYTES);
        in.unread(start);
        if (HttpBody.looksLikeHtml(new String(start, StandardCharsets.ISO_8859_1).replace("\uFEFF", "")
                .replace("\u00EF\u00BB\u00BF", ""))) {
            throw notCsv(body);
        }
        Charset charset = bomCharset(in);
        if (charset == null) {
            // An explicit setting wins over the server's header: servers often mislabel CSV files.
            charset = config.has("encoding") && !config.path("encoding").asText().equalsIgnoreCase("UTF-8")
                    ? configured : body.charset().orElse(configured);
        }
        var decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
        int skip = config.path("skipRows").asInt(0);
        for (int i = 0; i < skip && reader.readLine() != null; i++) {
            // Lines before the header are dropped.
        }
        CSVFormat format = CSVFormat.DEFAULT.builder()
                .setDelimiter(config.path("delimiter").asText(",").charAt(0))
                .setQuote(config.path("quote").asText("\"").charAt(0))
                .setIgnoreEmptyLines(true)
                .get();
        boolean headerRow = config.path("headerRow").asBoolean(true);
        boolean decimalComma = ",".equals(config.path("decimalSeparator").asText("."));
        try (CSVParser parser = CSVParser.parse(reader, format)) {
            List<String> names = null;
            for (CSVRecord record : parser) {
                if (names == null && headerRow) {
                    names = headerNames(record);
                    // The columns are known before any row: staged at once, and kept when the file has no rows.
                    sink.accept(ColumnsAnnouncement.of(names));
                    continue;
                }
                if (names == null) {
                    names = new ArrayList<>();
                }
                if (record.size() > names.size()) {
                    if (headerRow) {
                        throw new DataException("The CSV is malformed: line " + (parser.getCurrentLineNumber() + skip)
                                + " has " + record.size() + " fields but the header has " + names.size());
                    }
                    for (int i = names.size(); i < record.size(); i++) {
                        names.add("column_" + (i + 1));
                    }
                }
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < names.size(); i++) {
                    String value = i < record.size() ? record.get(i) : null;
                    row.put(names.get(i), value == null || value.isEmpty() ? null : decimalComma ? withDecimalPoint(value)
                            : value);
                }
                sink.accept(row);
            }
        } catch (UncheckedIOException e) {
            rethrow(e.getCause());
        } catch (CharacterCodingException | CSVException e) {
            rethrow(e);
        }
    }

    /** A number written with a decimal comma, its thousands grouped by points, spaces (also narrow or no-break) or none. */
    private static final java.util.regex.Pattern COMMA_NUMBER = java.util.regex.Pattern.compile(
            "[-+]?(\\d{1,3}([.\\u00A0\\u202F ]\\d{3})+|\\d+)(,\\d+)?");

    /** "1.234,50" → "1234.50", "-0,5" → "-0.5"; anything that is not such a number is returned as it is. */
    static String withDecimalPoint(String value) {
        String trimmed = value.strip();
        if (!COMMA_NUMBER.matcher(trimmed).matches()) {
            return value;
        }
        return trimmed.replaceAll("[.\\u00A0\\u202F ]", "").replace(',', '.');
    }

    /** Bytes looked at to tell a web page from CSV text. */
    private static final int SNIFF_BYTES = 256;

    private static DataException notCsv(HttpBody body) {
        return new DataException("The address answered with a web page (HTML), not CSV: the link may have expired or"
                + " need a sign-in. Open " + io.rowflow.http.SafeHttpClient.redact(body.uri()) + " in a browser to"
                + " check, and use a direct download link to the file. Nothing was written.");
    }

    /**
     * Always throws: parse and decoding errors are the data's fault and become a DataException; other IO errors (size
     * cap, timeouts) are rethrown as they are, for the HTTP layer to report.
     */
    private static void rethrow(IOException cause) throws IOException {
        if (cause instanceof CharacterCodingException) {
            throw new DataException("The CSV is not valid text in the chosen encoding; set the encoding of the file"
                    + " (for example windows-1252)");
        }
        if (cause instanceof CSVException || cause.getClass() == IOException.class) {
            throw new DataException("The CSV is malformed: " + cause.getMessage());
        }
        throw cause;
    }

    private static List<String> headerNames(CSVRecord header) {
        List<String> names = new ArrayList<>();
        ColumnNames taken = new ColumnNames();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip();
            names.add(taken.unique(name.isEmpty() ? "column_" + (i + 1) : name));
        }
        return names;
    }

    /** Reads a byte-order mark if there is one and returns the charset it names. */
    static Charset bomCharset(PushbackInputStream in) throws IOException {
        byte[] head = new byte[3];
        int n = in.readNBytes(head, 0, 3);
        if (n >= 3 && (head[0] & 0xFF) == 0xEF && (head[1] & 0xFF) == 0xBB && (head[2] & 0xFF) == 0xBF) {
            return StandardCharsets.UTF_8;
        }
        if (n >= 2 && (head[0] & 0xFF) == 0xFE && (head[1] & 0xFF) == 0xFF) {
            in.unread(head, 2, n - 2);
            return StandardCharsets.UTF_16BE;
        }
        if (n >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xFE) {
            in.unread(head, 2, n - 2);
            return StandardCharsets.UTF_16LE;
        }
        in.unread(head, 0, n);
        return null;
    }
}
