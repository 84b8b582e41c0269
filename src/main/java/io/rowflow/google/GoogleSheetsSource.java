package io.rowflow.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.services.sheets.v4.model.BatchGetValuesResponse;
import com.google.api.services.sheets.v4.model.CellData;
import com.google.api.services.sheets.v4.model.CellFormat;
import com.google.api.services.sheets.v4.model.GridData;
import com.google.api.services.sheets.v4.model.RowData;
import com.google.api.services.sheets.v4.model.Sheet;
import com.google.api.services.sheets.v4.model.Spreadsheet;
import com.google.api.services.sheets.v4.model.ValueRange;
import io.rowflow.connector.xlsx.XlsxReader;
import io.rowflow.pipeline.ColumnNames;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import io.rowflow.common.error.DataException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.OAuthSignIn;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A Google account as a connection: signed in with Google (OAuth, offline access, PKCE) or a service account's key.
 * It is what the Google Sheets destination writes through, and it reads tabs as a source too: one, or several appended
 * into one stream with a {@value #TAB_COLUMN} column naming each row's tab; each tab's first row names its columns.
 */
@ApplicationScoped
public class GoogleSheetsSource implements SourceConnector, OAuthSignIn {
    public static final String ID = "google-sheets";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/google-sheets.json");
    private static final ObjectNode OAUTH = new ObjectMapper().createObjectNode()
            .put("authorize_url", "https://accounts.google.com/o/oauth2/v2/auth")
            .put("token_url", "https://oauth2.googleapis.com/token").put("pkce", true).put("client_auth", "body");

    static {
        // A refresh token comes only with offline access, and again on a reconnect only with the consent prompt.
        OAUTH.putObject("extra_authorize_params").put("access_type", "offline").put("prompt", "consent");
    }

    private final GoogleApis google;

    public GoogleSheetsSource(GoogleApis google) {
        this.google = google;
    }

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(ID, "Google Sheets", "spreadsheets", "oauth", SCHEMA.document(), List.of("rows"),
                List.of(), true);
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public TextInference textInference() {
        return TextInference.TEMPORAL_ONLY;
    }

    @Override
    public Optional<JsonNode> oauth() {
        return Optional.of(OAUTH);
    }

    @Override
    public List<String> oauthScopes() {
        return GoogleApis.SCOPES;
    }

    /** The column naming each row's tab when several tabs are read into one stream. */
    public static final String TAB_COLUMN = "_tab";
    /** Data rows whose number formats decide which columns hold dates (below the header, at the top of each tab). */
    static final int FORMAT_PROBE_ROWS = 20;

    @Override
    public void read(SourceContext context, RecordSink sink) {
        JsonNode config = context.config();
        if (!config.hasNonNull("spreadsheet") || config.get("spreadsheet").asText().isBlank()) {
            throw new DataException("Choose the spreadsheet to read (its URL or id) in the source's settings");
        }
        String id = GoogleApis.spreadsheetId(config.get("spreadsheet").asText());
        GoogleApis.Session session = google.open(context.connectionId() == null ? new UUID(0, 0) : context.connectionId(),
                config, context.accessTokens());
        try {
            List<String> tabs = tabs(config);
            if (tabs.isEmpty()) {
                Spreadsheet book = session.sheets().spreadsheets().get(id).setFields("sheets.properties.title").execute();
                tabs = List.of(book.getSheets().get(0).getProperties().getTitle());
            }
            List<String> ranges = tabs.stream().map(GoogleSheetsSource::quoted).toList();
            // Numbers and dates come unformatted: numbers as JSON numbers, dates as serial numbers (days since
            // 1899-12-30). Which columns hold dates is told by their cells' number formats, asked for the first rows.
            BatchGetValuesResponse values = session.sheets().spreadsheets().values().batchGet(id).setRanges(ranges)
                    .setValueRenderOption("UNFORMATTED_VALUE").setDateTimeRenderOption("SERIAL_NUMBER").execute();
            Map<String, Map<Integer, String>> kinds = formatKinds(session, id, tabs);
            boolean several = tabs.size() > 1;
            List<ValueRange> answered = values.getValueRanges() == null ? List.of() : values.getValueRanges();
            for (int t = 0; t < tabs.size(); t++) {
                List<List<Object>> rows = t < answered.size() && answered.get(t).getValues() != null
                        ? answered.get(t).getValues() : List.of();
                emit(tabs.get(t), rows, kinds.getOrDefault(tabs.get(t), Map.of()), several, sink);
            }
        } catch (IOException e) {
            throw GoogleApis.translate(e, "reading the spreadsheet");
        }
    }

    /** The tabs the settings name, in order: {@code tabs}, else the one {@code sheetName}; none means the first. */
    static List<String> tabs(JsonNode config) {
        List<String> tabs = new ArrayList<>();
        config.path("tabs").forEach(tab -> {
            if (!tab.asText().isBlank() && !tabs.contains(tab.asText().strip())) {
                tabs.add(tab.asText().strip());
            }
        });
        String single = config.path("sheetName").asText("").strip();
        if (tabs.isEmpty() && !single.isEmpty()) {
            tabs.add(single);
        }
        return tabs;
    }

    private static String quoted(String tab) {
        return "'" + tab.replace("'", "''") + "'";
    }

    /** Per tab, the kind of each column whose first formatted cells are dates or times: DATE, DATE_TIME or TIME. */
    private static Map<String, Map<Integer, String>> formatKinds(GoogleApis.Session session, String id, List<String> tabs)
            throws IOException {
        List<String> probes = tabs.stream().map(t -> quoted(t) + "!2:" + (1 + FORMAT_PROBE_ROWS)).toList();
        Spreadsheet formats = session.sheets().spreadsheets().get(id).setRanges(probes)
                .setFields("sheets(properties.title,data(startColumn,rowData.values.effectiveFormat.numberFormat.type))")
                .execute();
        Map<String, Map<Integer, String>> kinds = new LinkedHashMap<>();
        for (Sheet sheet : formats.getSheets() == null ? List.<Sheet>of() : formats.getSheets()) {
            Map<Integer, String> columns = kinds.computeIfAbsent(sheet.getProperties().getTitle(), t -> new LinkedHashMap<>());
            for (GridData grid : sheet.getData() == null ? List.<GridData>of() : sheet.getData()) {
                int first = grid.getStartColumn() == null ? 0 : grid.getStartColumn();
                for (RowData row : grid.getRowData() == null ? List.<RowData>of() : grid.getRowData()) {
                    List<CellData> cells = row.getValues() == null ? List.of() : row.getValues();
                    for (int c = 0; c < cells.size(); c++) {
                        CellFormat format = cells.get(c).getEffectiveFormat();
                        String type = format == null || format.getNumberFormat() == null ? null
                                : format.getNumberFormat().getType();
                        // The first formatted cell of a column decides it; later ones do not overrule it.
                        if (type != null && !columns.containsKey(first + c)) {
                            columns.put(first + c, type);
                        }
                    }
                }
            }
        }
        return kinds;
    }

    private static void emit(String tab, List<List<Object>> rows, Map<Integer, String> kinds, boolean several,
            RecordSink sink) {
        if (rows.isEmpty()) {
            return;
        }
        ColumnNames taken = new ColumnNames();
        if (several) {
            taken.reserve(TAB_COLUMN);
        }
        List<String> header = new ArrayList<>();
        List<Object> first = rows.get(0);
        for (int i = 0; i < first.size(); i++) {
            Object cell = value(first.get(i), null);
            String name = cell == null ? "" : String.valueOf(cell).strip();
            header.add(taken.unique(name.isEmpty() ? "column_" + (i + 1) : name));
        }
        for (List<Object> row : rows.subList(1, rows.size())) {
            if (row.stream().allMatch(v -> value(v, null) == null)) {
                continue; // a blank row between tables
            }
            Map<String, Object> record = new LinkedHashMap<>();
            if (several) {
                record.put(TAB_COLUMN, tab);
            }
            for (int i = 0; i < header.size(); i++) {
                record.put(header.get(i), value(i < row.size() ? row.get(i) : null, kinds.get(i)));
            }
            sink.accept(record);
        }
    }

    private static final LocalDateTime SERIAL_EPOCH = LocalDateTime.of(1899, 12, 30, 0, 0);

    /** A cell as the pipeline takes it: "" (Sheets' empty cell) is null, a number exact, a date-formatted number a date. */
    static Object value(Object cell, String kind) {
        if (cell == null || "".equals(cell) || com.google.api.client.util.Data.isNull(cell)) {
            return null; // Google's client reads a JSON null as a sentinel object, not as null
        }
        if (!(cell instanceof Number number)) {
            return cell; // text and booleans as they are
        }
        BigDecimal exact = number instanceof BigDecimal d ? d : new BigDecimal(number.toString());
        if (kind != null && (kind.equals("DATE") || kind.equals("DATE_TIME") || kind.equals("TIME"))) {
            long millis = exact.multiply(BigDecimal.valueOf(86_400_000L)).setScale(0, java.math.RoundingMode.HALF_UP)
                    .longValueExact();
            LocalDateTime at = SERIAL_EPOCH.plus(java.time.Duration.ofMillis(millis));
            return switch (kind) {
                case "DATE" -> at.toLocalDate().toString();
                case "TIME" -> at.toLocalTime().format(at.getNano() == 0 ? TIME : TIME_MILLIS);
                default -> at.format(at.getNano() == 0 ? DATE_TIME : DATE_TIME_MILLIS);
            };
        }
        return XlsxReader.number(exact.toString());
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter TIME_MILLIS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter DATE_TIME_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
}
