package io.rowflow.writer.sheets;

import static io.rowflow.pipeline.StagedTable.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.services.sheets.v4.Sheets;
import com.google.api.services.sheets.v4.model.AddSheetRequest;
import com.google.api.services.sheets.v4.model.BatchUpdateSpreadsheetRequest;
import com.google.api.services.sheets.v4.model.BatchUpdateSpreadsheetResponse;
import com.google.api.services.sheets.v4.model.CellData;
import com.google.api.services.sheets.v4.model.CellFormat;
import com.google.api.services.sheets.v4.model.CopyPasteRequest;
import com.google.api.services.sheets.v4.model.CreateDeveloperMetadataRequest;
import com.google.api.services.sheets.v4.model.DataFilter;
import com.google.api.services.sheets.v4.model.DeleteDeveloperMetadataRequest;
import com.google.api.services.sheets.v4.model.DeleteSheetRequest;
import com.google.api.services.sheets.v4.model.DeveloperMetadata;
import com.google.api.services.sheets.v4.model.DeveloperMetadataLocation;
import com.google.api.services.sheets.v4.model.DeveloperMetadataLookup;
import com.google.api.services.sheets.v4.model.ExtendedValue;
import com.google.api.services.sheets.v4.model.GridCoordinate;
import com.google.api.services.sheets.v4.model.GridProperties;
import com.google.api.services.sheets.v4.model.GridRange;
import com.google.api.services.sheets.v4.model.NumberFormat;
import com.google.api.services.sheets.v4.model.RepeatCellRequest;
import com.google.api.services.sheets.v4.model.Request;
import com.google.api.services.sheets.v4.model.RowData;
import com.google.api.services.sheets.v4.model.Sheet;
import com.google.api.services.sheets.v4.model.SheetProperties;
import com.google.api.services.sheets.v4.model.Spreadsheet;
import com.google.api.services.sheets.v4.model.UpdateCellsRequest;
import com.google.api.services.sheets.v4.model.UpdateSheetPropertiesRequest;
import com.google.api.services.sheets.v4.model.ValueRange;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.FieldError;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.RunCancelledException;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.google.GoogleApis;
import io.rowflow.google.GoogleSheetsSource;
import io.rowflow.google.SheetsConfig;
import io.rowflow.writer.DestinationWriter;
import io.rowflow.writer.RowKeys;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.writer.WriterDescriptor;
import io.rowflow.writer.PickerOption;
import io.rowflow.writer.PickerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a tab of a Google spreadsheet fresh, so that people and BI tools reading it see the old data or the new, never
 * a mix. Rowflow owns one rectangle of the tab — the header row and the data rows across its columns, from a start
 * cell — and records its size on the tab as developer metadata; columns to its right, other tabs, charts and formulas
 * that reference the tab are left alone. New values are uploaded into a hidden staging tab in chunks under 2 MB, and
 * one {@code spreadsheets.batchUpdate} then copies them into place, clears what the rectangle no longer covers, records
 * the new size and deletes the staging tab: Google applies a batch as one change. On any failure before that batch the
 * target is untouched and the staging tab is removed. A tab that does not exist yet is the staging tab itself, named
 * and shown by that last batch. An upsert that changes few rows uploads only those (and the new ones) and copies them
 * over their old places, removing the rows whose keys the source reported deleted, in the same one batch (see
 * docs/google-sheets.md). Values are written RAW (text is never read as a formula or a
 * number); numbers and booleans keep their type, dates become date serials with a date format, and whole numbers over
 * 15 digits stay text. Modes: replace, append, and upsert by key columns.
 */
@ApplicationScoped
public class GoogleSheetsWriter implements DestinationWriter {
    public static final String ID = "google-sheets";
    public static final long MAX_CELLS = 10_000_000L;
    public static final int MAX_CELL_CHARS = 50_000;
    public static final int MAX_COLUMNS = 18_278;
    static final long LARGEST_EXACT_NUMBER = 999_999_999_999_999L;
    static final String METADATA_KEY = "rowflow.rectangle@";
    private static final LocalDate SERIAL_EPOCH = LocalDate.of(1899, 12, 30);
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/google-sheets-destination.json");
    private static final Pattern CELL = Pattern.compile("([A-Za-z]{1,3})([1-9][0-9]*)");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final GoogleApis google;
    private final SheetsConfig config;

    public GoogleSheetsWriter(GoogleApis google, SheetsConfig config) {
        this.google = google;
        this.config = config;
    }

    @Override
    public WriterDescriptor descriptor() {
        return new WriterDescriptor(ID, "Google Sheets", "spreadsheets", "connection", SCHEMA.document())
                .withConnectionType(GoogleSheetsSource.ID)
                .withPickers(List.of(WriterDescriptor.Picker.of(ID, "spreadsheet", "Spreadsheet", List.of(), true),
                        WriterDescriptor.Picker.of(ID, "sheetName", "Tab", List.of("spreadsheet"), false)));
    }

    /**
     * The spreadsheets the account can pick from (those Rowflow created or the user opened with it: Rowflow asks only
     * for Drive's per-file access), or a spreadsheet's tabs in its order, Rowflow's hidden staging tabs left out.
     */
    @Override
    public List<PickerOption> options(String setting, PickerRequest request) {
        GoogleApis.Session session = session(request.connection());
        try {
            if (setting.equals("spreadsheet")) {
                return google.spreadsheets(session).stream().map(f -> new PickerOption(String.valueOf(f.get("id")),
                        String.valueOf(f.get("name")))).toList();
            }
            if (setting.equals("sheetName")) {
                Spreadsheet found = session.sheets().spreadsheets().get(GoogleApis.spreadsheetId(request.require("spreadsheet")))
                        .setFields("sheets.properties(title,hidden)").execute();
                return found.getSheets() == null ? List.of() : found.getSheets().stream().map(t -> t.getProperties())
                        .filter(p -> !Boolean.TRUE.equals(p.getHidden())).map(p -> new PickerOption(p.getTitle(),
                                p.getTitle())).toList();
            }
        } catch (IOException e) {
            throw GoogleApis.translate(e, setting.equals("spreadsheet") ? "listing the spreadsheets"
                    : "reading the spreadsheet's tabs");
        }
        return DestinationWriter.super.options(setting, request);
    }

    /** A new spreadsheet in the account, titled as asked. */
    @Override
    public PickerOption create(String setting, PickerRequest request, String title) {
        if (!setting.equals("spreadsheet")) {
            return DestinationWriter.super.create(setting, request, title);
        }
        try {
            Spreadsheet made = session(request.connection()).sheets().spreadsheets().create(new Spreadsheet()
                    .setProperties(new com.google.api.services.sheets.v4.model.SpreadsheetProperties().setTitle(title)))
                    .execute();
            return new PickerOption(made.getSpreadsheetId(), made.getProperties().getTitle());
        } catch (IOException e) {
            throw GoogleApis.translate(e, "creating the spreadsheet");
        }
    }

    private GoogleApis.Session session(io.rowflow.connector.ConnectionAccess access) {
        return google.open(access.connectionId(), access.settings(), access.tokens());
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public List<FieldError> check(JsonNode settings, String field) {
        return RowKeys.checkUpsert(settings, field);
    }


    /** Where the rectangle starts: {row, column}, 0-based. */
    static int[] cell(String a1) {
        Matcher m = CELL.matcher(a1.strip());
        if (!m.matches()) {
            throw new DataException("\"" + a1 + "\" is not a cell such as A1 or C5");
        }
        int column = 0;
        for (char c : m.group(1).toUpperCase().toCharArray()) {
            column = column * 26 + (c - 'A' + 1);
        }
        return new int[] { Integer.parseInt(m.group(2)) - 1, column - 1 };
    }

    static String columnName(int index) {
        StringBuilder name = new StringBuilder();
        for (int n = index + 1; n > 0; n = (n - 1) / 26) {
            name.insert(0, (char) ('A' + (n - 1) % 26));
        }
        return name.toString();
    }

    /** The A1 range of a rectangle on a tab: rows and columns 0-based, ends exclusive. */
    static String range(String tab, int row, int column, int rows, int columns) {
        return "'" + tab.replace("'", "''") + "'!" + columnName(column) + (row + 1) + ":" + columnName(column + columns - 1)
                + (row + rows);
    }

    /** What Rowflow owns of the tab since its last write: rows (header included) and columns. */
    record Rectangle(int rows, int columns, Integer metadataId) {
    }

    /**
     * An upsert worked out against the tab's data rows (index 0 is the row under the header): {@code rows} as they will
     * be, the indexes of the {@code before} rows that changed and of those {@code removed} (both ascending), how many
     * rows were {@code added} below them, and the rows to {@code sent}: the changed ones, then the added ones.
     */
    record Upsert(List<List<Object>> rows, List<Integer> changed, List<Integer> removed, int added, int before,
            List<List<Object>> sent) {
        /**
         * Whether sending the changed and new rows (one copy per run of changed rows, one removal per run of deleted
         * ones) costs less than half of re-sending the whole rectangle; otherwise the whole rectangle is sent.
         */
        boolean cheaperInPlace() {
            long requests = runs(changed).size() + runs(removed).size() + 1;
            return 2 * (sent.size() + requests) < rows.size() + 1;
        }
    }

    /** Ascending indexes as runs of consecutive ones: {from, to} with {@code to} exclusive. */
    static List<int[]> runs(List<Integer> ascending) {
        List<int[]> runs = new ArrayList<>();
        for (int i : ascending) {
            if (!runs.isEmpty() && runs.get(runs.size() - 1)[1] == i) {
                runs.get(runs.size() - 1)[1] = i + 1;
            } else {
                runs.add(new int[] { i, i + 1 });
            }
        }
        return runs;
    }

    /**
     * Whether a row read back from the tab (UNFORMATTED_VALUE, dates as serial numbers) already holds the values about
     * to be written: numbers compared by value, an empty cell equal to empty text.
     */
    static boolean sameRow(List<Object> there, List<Object> fresh) {
        for (int i = 0; i < fresh.size(); i++) {
            Object a = i < there.size() ? there.get(i) : null;
            Object b = fresh.get(i);
            if (a instanceof Number x && b instanceof Number y) {
                if (new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) != 0) {
                    return false;
                }
            } else if (!java.util.Objects.equals(a == null ? "" : a, b == null ? "" : b)) {
                return false;
            }
        }
        return true;
    }

    /** The spreadsheet in Google Sheets (its own address, not the API's). */
    @Override
    public java.util.Optional<io.rowflow.writer.DestinationLink> link(io.rowflow.writer.DestinationLink.Request request) {
        String id = GoogleApis.spreadsheetId(request.settings().path("spreadsheet").asText(""));
        return !id.matches("[A-Za-z0-9_-]+") ? java.util.Optional.empty() : java.util.Optional.of(new io.rowflow.writer.DestinationLink(
                "https://docs.google.com/spreadsheets/d/" + id + "/edit", "Open the spreadsheet"));
    }

    @Override
    public WriteResult write(WriteContext context, StagedTable table) throws Exception {
        JsonNode settings = SCHEMA.withDefaults(context.settings());
        if (context.connection() == null) {
            throw new DataException("No Google connection chosen");
        }
        return write(session(context.connection()), settings, context, table, config.chunkBytes());
    }

    /** Writes the table through a session (settings with their defaults); what runs and the benchmark both call. */
    public static WriteResult write(GoogleApis.Session session, JsonNode settings, WriteContext context, StagedTable table,
            int chunkBytes) throws SQLException {
        String spreadsheetId = GoogleApis.spreadsheetId(settings.get("spreadsheet").asText());
        int[] start = cell(settings.path("startCell").asText("A1"));
        Write write = new Write(session.sheets(), spreadsheetId, settings.path("sheetName").asText("Data"), start[0],
                start[1], context, chunkBytes);
        try {
            long rows = write.run(table, settings.path("mode").asText("replace"), settings);
            return new WriteResult(rows, "https://docs.google.com/spreadsheets/d/" + spreadsheetId + "/edit#gid="
                    + write.sheetId, false, session.calls().get());
        } catch (IOException e) {
            throw GoogleApis.translate(e, write.doing);
        }
    }

    /** One write into one tab. */
    private static final class Write {
        final Sheets sheets;
        final String spreadsheetId;
        final String tab;
        final int row0;
        final int column0;
        final WriteContext context;
        final int chunkBytes;
        String doing = "reading the spreadsheet";
        Integer sheetId;
        Integer stagingId;
        String staging;

        Write(Sheets sheets, String spreadsheetId, String tab, int row0, int column0, WriteContext context, int chunkBytes) {
            this.chunkBytes = chunkBytes;
            this.sheets = sheets;
            this.spreadsheetId = spreadsheetId;
            this.tab = tab;
            this.row0 = row0;
            this.column0 = column0;
            this.context = context;
        }

        long run(StagedTable table, String mode, JsonNode settings) throws IOException, SQLException {
            List<Column> columns = table.columns();
            if (columns.size() > MAX_COLUMNS || column0 + columns.size() > MAX_COLUMNS) {
                throw new DataException("The result has " + columns.size() + " columns from column " + columnName(column0)
                        + "; a Google sheet holds at most " + MAX_COLUMNS + " columns. Nothing was written.");
            }
            checkCellLengths(table);
            Spreadsheet book = sheets.spreadsheets().get(spreadsheetId)
                    .setFields("spreadsheetId,sheets(properties,developerMetadata)").execute();
            Sheet target = book.getSheets().stream().filter(s -> s.getProperties().getTitle().equals(tab)).findFirst()
                    .orElse(null);
            if (target == null) {
                return create(book, table, settings);
            }
            sheetId = target.getProperties().getSheetId();
            Rectangle old = rectangle(target);
            GridProperties grid = target.getProperties().getGridProperties();
            int gridRows = grid == null || grid.getRowCount() == null ? 0 : grid.getRowCount();

            // The header as it is there: if it holds the same columns in another order, that order is kept.
            List<String> names = columns.stream().map(Column::name).toList();
            List<String> existingHeader = old == null ? List.of() : header(old.columns());
            List<String> order = new HashSet<>(existingHeader).equals(new HashSet<>(names))
                    && existingHeader.size() == names.size() ? existingHeader : names;
            int[] position = new int[order.size()];
            for (int i = 0; i < order.size(); i++) {
                position[i] = names.indexOf(order.get(i));
            }
            List<ColumnType> types = new ArrayList<>();
            for (int p : position) {
                types.add(columns.get(p).type());
            }

            int width = order.size();
            boolean append = mode.equals("append") && old != null && old.rows() > 0;
            if (append && !order.equals(existingHeader)) {
                throw new DataException("Cannot append: the tab \"" + tab + "\" has the columns " + existingHeader
                        + " but the new rows have " + names + ". Nothing was written.");
            }
            Upsert upsert = mode.equals("upsert") && old != null && old.rows() > 1 && order.equals(existingHeader)
                    ? upsert(old, order, table, position, types, settings) : null;
            if (upsert != null && old.columns() == width && upsert.cheaperInPlace()) {
                return inPlace(book, target, old, upsert, types, width, table, settings);
            }
            List<List<Object>> upserted = upsert == null ? null : upsert.rows();
            long newRows = upserted != null ? upserted.size() : table.rowCount();
            int firstRow = append ? row0 + old.rows() : row0; // where the staged block lands on the target
            int stagedRows = (int) (append ? newRows : newRows + 1);
            int totalRows = append ? old.rows() + (int) newRows : (int) newRows + 1;
            checkCellCount(book, target, totalRows, width, stagedRows);

            doing = "uploading into a staging tab";
            addStaging(Math.max(stagedRows, 1), Math.max(width, 1));
            try {
                formatDates(types, append ? 0 : 1, stagedRows, 0);
                int next = 0;
                if (!append && width > 0) {
                    upload(0, 0, List.of(new ArrayList<Object>(order)));
                    next = 1;
                }
                Chunker chunker = new Chunker(next, 0);
                if (upserted != null) {
                    for (List<Object> r : upserted) {
                        chunker.add(r);
                    }
                } else {
                    readRows(table, position, types, chunker::add);
                }
                chunker.flush();
                context.fence().run(); // still this run's to write: another node has not taken it over
                doing = "replacing the tab's rows";
                // Before Rowflow's first write here, whatever is below the new rows in its columns is cleared too.
                Rectangle covered = old != null ? old : new Rectangle(Math.max(0, gridRows - row0), width, null);
                batch(swap(covered, firstRow, stagedRows, width, totalRows, target, settings));
                stagingId = null;
            } finally {
                if (stagingId != null) {
                    removeStaging();
                }
            }
            return table.rowCount(); // upserted or not, each staged row was written once
        }

        /**
         * The first write into a tab that does not exist yet: the rows are uploaded into a hidden tab laid out as the
         * target will be, and the final batch gives it the tab's name and shows it. Nobody sees the tab before it is
         * full, and a run that fails on the way leaves no tab behind.
         */
        private long create(Spreadsheet book, StagedTable table, JsonNode settings) throws IOException, SQLException {
            List<Column> columns = table.columns();
            int width = columns.size();
            int[] position = new int[width];
            for (int i = 0; i < width; i++) {
                position[i] = i;
            }
            List<ColumnType> types = columns.stream().map(Column::type).toList();
            int totalRows = (int) table.rowCount() + 1;
            // The size a tab a user adds has (1000 × 26), or more when the rows need it.
            int gridRows = Math.max(row0 + totalRows, 1000);
            int gridColumns = Math.max(column0 + width, 26);
            checkCellCount(book, null, gridRows, gridColumns, 0);

            doing = "uploading into a staging tab";
            addStaging(gridRows, gridColumns);
            sheetId = stagingId;
            try {
                formatDates(types, row0 + 1, row0 + totalRows, column0);
                if (width > 0) {
                    upload(row0, column0, List.of(new ArrayList<Object>(columns.stream().map(Column::name).toList())));
                }
                Chunker chunker = new Chunker(row0 + 1, column0);
                readRows(table, position, types, chunker::add);
                chunker.flush();
                context.fence().run(); // still this run's to write: another node has not taken it over
                doing = "adding the tab \"" + tab + "\"";
                List<Request> requests = new ArrayList<>();
                requests.add(new Request().setUpdateSheetProperties(new UpdateSheetPropertiesRequest()
                        .setProperties(new SheetProperties().setSheetId(stagingId).setTitle(tab).setHidden(false))
                        .setFields("title,hidden")));
                requests.addAll(record(null, totalRows, width, settings));
                batch(requests);
                stagingId = null;
            } finally {
                if (stagingId != null) {
                    removeStaging();
                }
            }
            return table.rowCount();
        }

        /** A hidden tab to upload into, named so that it cannot meet a user's tab. */
        private void addStaging(int rows, int columns) throws IOException {
            staging = "rowflow-staging-" + UUID.randomUUID().toString().substring(0, 8);
            BatchUpdateSpreadsheetResponse made = batch(List.of(new Request().setAddSheet(new AddSheetRequest()
                    .setProperties(new SheetProperties().setTitle(staging).setHidden(true).setGridProperties(
                            new GridProperties().setRowCount(rows).setColumnCount(columns))))));
            stagingId = made.getReplies().get(0).getAddSheet().getProperties().getSheetId();
        }

        /**
         * An upsert that sends only what changed: the changed and new rows are uploaded into a staging tab, and one
         * batch copies each run of changed rows over its old place, moves the rows below each run of deleted rows up
         * over it (within Rowflow's columns), copies the new rows below the last, clears the rows left over and
         * records the new size. Google applies the batch as one change, so a failure leaves the tab exactly as it was.
         */
        private long inPlace(Spreadsheet book, Sheet target, Rectangle old, Upsert upsert, List<ColumnType> types,
                int width, StagedTable table, JsonNode settings) throws IOException, SQLException {
            List<List<Object>> sent = upsert.sent();
            int totalRows = upsert.rows().size() + 1;
            checkCellCount(book, target, Math.max(old.rows(), totalRows), width, sent.size());
            doing = "uploading into a staging tab";
            addStaging(Math.max(sent.size(), 1), width);
            try {
                formatDates(types, 0, sent.size(), 0);
                Chunker chunker = new Chunker(0, 0);
                for (List<Object> r : sent) {
                    chunker.add(new ArrayList<>(r));
                }
                chunker.flush();
                context.fence().run(); // still this run's to write: another node has not taken it over
                doing = "updating the tab's rows";
                List<Request> requests = new ArrayList<>();
                grow(target, row0 + Math.max(old.rows(), totalRows), column0 + width).ifPresent(requests::add);
                int stagedAt = 0;
                for (int[] run : runs(upsert.changed())) {
                    requests.add(copy(stagedAt, run[1] - run[0], row0 + 1 + run[0], width));
                    stagedAt += run[1] - run[0];
                }
                // Deleted rows: the kept rows below each run move up over it (a copy within the tab, nothing sent),
                // top down so that no row is overwritten before it moved; nothing is deleted or inserted in the grid,
                // so formulas that reference the tab keep pointing at the same cells, as after a full rewrite.
                List<int[]> removed = runs(upsert.removed());
                int shift = 0;
                for (int k = 0; k < removed.size(); k++) {
                    shift += removed.get(k)[1] - removed.get(k)[0];
                    int from = removed.get(k)[1];
                    int to = k + 1 < removed.size() ? removed.get(k + 1)[0] : upsert.before();
                    if (to > from) {
                        requests.add(move(from, to, shift, width));
                    }
                }
                int kept = upsert.before() - upsert.removed().size();
                if (upsert.added() > 0) {
                    requests.add(copy(stagedAt, upsert.added(), row0 + 1 + kept, width));
                }
                if (totalRows < old.rows()) {
                    requests.add(clear(row0 + totalRows, row0 + old.rows(), column0, column0 + width));
                }
                requests.addAll(record(old, totalRows, width, settings));
                requests.add(new Request().setDeleteSheet(new DeleteSheetRequest().setSheetId(stagingId)));
                batch(requests);
                stagingId = null;
            } finally {
                if (stagingId != null) {
                    removeStaging();
                }
            }
            return table.rowCount();
        }

        /** Staged rows [from, from + rows) copied onto the target from {@code toRow}, values and formats. */
        private Request copy(int from, int rows, int toRow, int width) {
            return new Request().setCopyPaste(new CopyPasteRequest()
                    .setSource(new GridRange().setSheetId(stagingId).setStartRowIndex(from).setEndRowIndex(from + rows)
                            .setStartColumnIndex(0).setEndColumnIndex(width))
                    .setDestination(new GridRange().setSheetId(sheetId).setStartRowIndex(toRow).setEndRowIndex(toRow + rows)
                            .setStartColumnIndex(column0).setEndColumnIndex(column0 + width))
                    .setPasteType("PASTE_NORMAL"));
        }

        /** The tab's data rows [from, to) copied {@code up} rows higher, within Rowflow's columns. */
        private Request move(int from, int to, int up, int width) {
            return new Request().setCopyPaste(new CopyPasteRequest()
                    .setSource(new GridRange().setSheetId(sheetId).setStartRowIndex(row0 + 1 + from)
                            .setEndRowIndex(row0 + 1 + to).setStartColumnIndex(column0).setEndColumnIndex(column0 + width))
                    .setDestination(new GridRange().setSheetId(sheetId).setStartRowIndex(row0 + 1 + from - up)
                            .setEndRowIndex(row0 + 1 + to - up).setStartColumnIndex(column0)
                            .setEndColumnIndex(column0 + width))
                    .setPasteType("PASTE_NORMAL"));
        }

        /**
         * The tab's rows with the new ones applied — a key already there is updated in place, a new key appended —
         * and the rows whose key the source reported deleted removed (unless the new rows still hold that key).
         */
        private Upsert upsert(Rectangle old, List<String> order, StagedTable table, int[] position,
                List<ColumnType> types, JsonNode settings) throws IOException, SQLException {
            List<String> keys = RowKeys.columns(settings);
            int[] keyAt = new int[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                keyAt[i] = order.indexOf(keys.get(i));
                if (keyAt[i] < 0) {
                    throw new DataException("The key column \"" + keys.get(i) + "\" is not among the columns " + order);
                }
            }
            Set<String> deleted = deletedKeys(keys);
            doing = "reading the rows to update";
            ValueRange existing = sheets.spreadsheets().values().get(spreadsheetId, range(tab, row0 + 1, column0,
                    old.rows() - 1, order.size())).setValueRenderOption("UNFORMATTED_VALUE")
                    .setDateTimeRenderOption("SERIAL_NUMBER").execute();
            List<List<Object>> rows = new ArrayList<>();
            Map<String, Integer> byKey = new HashMap<>();
            if (existing.getValues() != null) {
                for (List<Object> r : existing.getValues()) {
                    List<Object> padded = new ArrayList<>(r);
                    while (padded.size() < order.size()) {
                        padded.add(null);
                    }
                    byKey.putIfAbsent(RowKeys.of(padded, keyAt), rows.size());
                    rows.add(padded);
                }
            }
            // Rows that ended before the rectangle's last row (empty at the end) still count as rows.
            while (rows.size() < old.rows() - 1) {
                rows.add(new ArrayList<>(java.util.Collections.nCopies(order.size(), null)));
            }
            int before = rows.size();
            List<String> rowKeys = new ArrayList<>();
            rows.forEach(r -> rowKeys.add(RowKeys.of(r, keyAt)));
            Set<Integer> changed = new TreeSet<>();
            Set<String> written = new HashSet<>();
            readRows(table, position, types, values -> {
                String key = RowKeys.of(values, keyAt);
                written.add(key);
                Integer at = byKey.get(key);
                if (at == null) {
                    byKey.put(key, rows.size());
                    rows.add(values);
                } else if (at >= before) {
                    rows.set(at, values); // a key the new rows hold twice: the last wins
                } else if (!sameRow(rows.get(at), values)) {
                    rows.set(at, values);
                    changed.add(at);
                }
            });
            List<Integer> removed = new ArrayList<>();
            for (int i = 0; i < before; i++) {
                if (deleted.contains(rowKeys.get(i)) && !written.contains(rowKeys.get(i))) {
                    removed.add(i);
                }
            }
            List<List<Object>> sent = new ArrayList<>();
            changed.forEach(i -> sent.add(rows.get(i)));
            sent.addAll(rows.subList(before, rows.size()));
            int added = rows.size() - before;
            Set<Integer> gone = new HashSet<>(removed);
            List<List<Object>> after = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                if (!gone.contains(i)) {
                    after.add(rows.get(i));
                }
            }
            return new Upsert(after, new ArrayList<>(changed), removed, added, before, sent);
        }

        /** The keys of the records the source reported deleted, as the key of a tab row with those values. */
        private Set<String> deletedKeys(List<String> keys) throws SQLException {
            Set<String> out = new HashSet<>();
            StagedTable deleted = context.deleted();
            if (deleted == null || deleted.rowCount() == 0) {
                return out;
            }
            List<String> names = deleted.columns().stream().map(Column::name).toList();
            int[] at = new int[keys.size()];
            int[] identity = new int[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                at[i] = names.indexOf(keys.get(i));
                identity[i] = i;
                if (at[i] < 0) {
                    throw new DataException("The deleted records the source reported have no column \"" + keys.get(i)
                            + "\" (they have " + names + "), so they cannot be matched to rows by the key columns."
                            + " Nothing was written: check the flow's transform keeps the key columns.");
                }
            }
            try (Statement statement = context.staging().createStatement();
                    ResultSet rs = statement.executeQuery(deleted.selectAll())) {
                while (rs.next()) {
                    List<Object> values = new ArrayList<>(at.length);
                    for (int i = 0; i < at.length; i++) {
                        values.add(cellValue(deleted.columns().get(at[i]).type().read(rs, at[i] + 1)));
                    }
                    out.add(RowKeys.of(values, identity));
                }
            }
            return out;
        }

        /** Rowflow's record of its rectangle on the tab (developer metadata), or null before its first write. */
        private Rectangle rectangle(Sheet target) throws IOException {
            if (target.getDeveloperMetadata() == null) {
                return null;
            }
            for (DeveloperMetadata m : target.getDeveloperMetadata()) {
                if ((METADATA_KEY + columnName(column0) + (row0 + 1)).equals(m.getMetadataKey())) {
                    JsonNode value = MAPPER.readTree(m.getMetadataValue());
                    return new Rectangle(value.path("rows").asInt(), value.path("columns").asInt(), m.getMetadataId());
                }
            }
            return null;
        }

        private List<String> header(int width) throws IOException {
            if (width == 0) {
                return List.of();
            }
            ValueRange values = sheets.spreadsheets().values().get(spreadsheetId, range(tab, row0, column0, 1, width))
                    .setValueRenderOption("UNFORMATTED_VALUE").execute();
            List<String> header = new ArrayList<>();
            if (values.getValues() != null && !values.getValues().isEmpty()) {
                values.getValues().get(0).forEach(v -> header.add(String.valueOf(v)));
            }
            return header;
        }

        /**
        /**
         * The one batch that makes the new data visible: grow the grid if needed, copy the staged block into place,
         * clear what the rectangle no longer covers (rows below, columns to the right that were Rowflow's), stamp the
         * last update, record the rectangle's size and delete the staging tab.
         */
        private List<Request> swap(Rectangle old, int firstRow, int stagedRows, int width, int totalRows, Sheet target,
                JsonNode settings) {
            List<Request> requests = new ArrayList<>();
            grow(target, row0 + totalRows, column0 + Math.max(width, 1)).ifPresent(requests::add);
            if (width > 0) {
                requests.add(copy(0, stagedRows, firstRow, width));
            }
            if (old != null) {
                int oldRows = old.rows();
                int oldColumns = old.columns();
                if (oldRows > totalRows) {
                    requests.add(clear(row0 + totalRows, row0 + oldRows, column0, column0 + Math.max(width, oldColumns)));
                }
                if (oldColumns > width) {
                    requests.add(clear(row0, row0 + Math.min(oldRows, totalRows), column0 + width, column0 + oldColumns));
                }
            }
            requests.addAll(record(old, totalRows, width, settings));
            requests.add(new Request().setDeleteSheet(new DeleteSheetRequest().setSheetId(stagingId)));
            return requests;
        }

        /** The target's grid grown to hold {@code needRows} × {@code needColumns}, if it is smaller. */
        private Optional<Request> grow(Sheet target, int needRows, int needColumns) {
            GridProperties grid = target.getProperties().getGridProperties();
            int rows = grid == null ? 0 : nz(grid.getRowCount());
            int columns = grid == null ? 0 : nz(grid.getColumnCount());
            if (rows >= needRows && columns >= needColumns) {
                return Optional.empty();
            }
            return Optional.of(new Request().setUpdateSheetProperties(new UpdateSheetPropertiesRequest()
                    .setProperties(new SheetProperties().setSheetId(sheetId).setGridProperties(new GridProperties()
                            .setRowCount(Math.max(needRows, rows)).setColumnCount(Math.max(needColumns, columns))))
                    .setFields("gridProperties.rowCount,gridProperties.columnCount")));
        }

        /** The rectangle's new size recorded on the tab (the old record replaced), and the last update stamped. */
        private List<Request> record(Rectangle old, int totalRows, int width, JsonNode settings) {
            List<Request> requests = new ArrayList<>();
            if (old != null && old.metadataId() != null) {
                requests.add(new Request().setDeleteDeveloperMetadata(new DeleteDeveloperMetadataRequest()
                        .setDataFilter(new DataFilter().setDeveloperMetadataLookup(new DeveloperMetadataLookup()
                                .setMetadataId(old.metadataId())))));
            }
            requests.add(new Request().setCreateDeveloperMetadata(new CreateDeveloperMetadataRequest()
                    .setDeveloperMetadata(new DeveloperMetadata().setMetadataKey(METADATA_KEY + columnName(column0)
                            + (row0 + 1)).setMetadataValue("{\"rows\":" + totalRows + ",\"columns\":" + width + "}")
                            .setVisibility("DOCUMENT").setLocation(new DeveloperMetadataLocation().setSheetId(sheetId)))));
            JsonNode stamp = settings.path("lastUpdated");
            String when = "Last updated by Rowflow: " + Instant.now().truncatedTo(ChronoUnit.SECONDS);
            if (stamp.hasNonNull("cell")) {
                int[] at = cell(stamp.get("cell").asText());
                requests.add(new Request().setUpdateCells(new UpdateCellsRequest()
                        .setStart(new GridCoordinate().setSheetId(sheetId).setRowIndex(at[0]).setColumnIndex(at[1]))
                        .setRows(List.of(new RowData().setValues(List.of(new CellData().setUserEnteredValue(
                                new ExtendedValue().setStringValue(when))))))
                        .setFields("userEnteredValue")));
            }
            if (stamp.path("note").asBoolean(false)) {
                requests.add(new Request().setUpdateCells(new UpdateCellsRequest()
                        .setStart(new GridCoordinate().setSheetId(sheetId).setRowIndex(row0).setColumnIndex(column0))
                        .setRows(List.of(new RowData().setValues(List.of(new CellData().setNote(when)))))
                        .setFields("note")));
            }
            return requests;
        }

        private Request clear(int fromRow, int toRow, int fromColumn, int toColumn) {
            return new Request().setUpdateCells(new UpdateCellsRequest().setRange(new GridRange().setSheetId(sheetId)
                    .setStartRowIndex(fromRow).setEndRowIndex(toRow).setStartColumnIndex(fromColumn)
                    .setEndColumnIndex(toColumn)).setFields("userEnteredValue,userEnteredFormat"));
        }

        /**
         * Date and timestamp columns of the staging tab's rows [fromRow, toRow), from {@code column}, get a date
         * format; a copy carries it into place.
         */
        private void formatDates(List<ColumnType> types, int fromRow, int toRow, int column) throws IOException {
            List<Request> formats = new ArrayList<>();
            for (int i = 0; i < types.size(); i++) {
                String pattern = switch (types.get(i)) {
                    case DATE -> "yyyy-mm-dd";
                    case TIMESTAMP -> "yyyy-mm-dd hh:mm:ss";
                    default -> null;
                };
                if (pattern != null && toRow > fromRow) {
                    formats.add(new Request().setRepeatCell(new RepeatCellRequest()
                            .setRange(new GridRange().setSheetId(stagingId).setStartRowIndex(fromRow).setEndRowIndex(toRow)
                                    .setStartColumnIndex(column + i).setEndColumnIndex(column + i + 1))
                            .setCell(new CellData().setUserEnteredFormat(new CellFormat().setNumberFormat(
                                    new NumberFormat().setType(types.get(i) == ColumnType.DATE ? "DATE" : "DATE_TIME")
                                            .setPattern(pattern))))
                            .setFields("userEnteredFormat.numberFormat")));
                }
            }
            if (!formats.isEmpty()) {
                batch(formats);
            }
        }

        /** A row of cell values, for the upload or the upsert's merge. */
        private interface RowSink {
            void accept(List<Object> row) throws IOException;
        }

        /** The staged rows in the tab's column order ({@code position}), as the cell values Sheets stores. */
        private void readRows(StagedTable table, int[] position, List<ColumnType> types, RowSink sink)
                throws SQLException, IOException {
            long read = 0;
            try (Statement statement = context.staging().createStatement();
                    ResultSet rs = statement.executeQuery(table.selectAll())) {
                while (rs.next()) {
                    if ((read++ & 0x3FFF) == 0 && context.cancelled().getAsBoolean()) {
                        throw new RunCancelledException();
                    }
                    List<Object> values = new ArrayList<>(position.length);
                    for (int i = 0; i < position.length; i++) {
                        values.add(cellValue(types.get(i).read(rs, position[i] + 1)));
                    }
                    sink.accept(values);
                }
            }
        }

        /** Rows gathered into requests just under the payload limit, uploaded into the staging tab. */
        private final class Chunker {
            final int column;
            int nextRow;
            final List<List<Object>> rows = new ArrayList<>();
            long bytes;

            Chunker(int nextRow, int column) {
                this.nextRow = nextRow;
                this.column = column;
            }

            void add(List<Object> row) throws IOException {
                long size = 3;
                for (Object v : row) {
                    size += jsonBytes(v) + 1;
                }
                if (!rows.isEmpty() && bytes + size > chunkBytes) {
                    flush();
                }
                rows.add(row);
                bytes += size;
            }

            void flush() throws IOException {
                if (rows.isEmpty()) {
                    return;
                }
                upload(nextRow, column, rows);
                nextRow += rows.size();
                rows.clear();
                bytes = 0;
            }
        }

        private void upload(int row, int column, List<List<Object>> rows) throws IOException {
            int width = rows.stream().mapToInt(List::size).max().orElse(1);
            // Google's JSON writer drops nulls from arrays (shifting the cells after them): an empty cell is "".
            for (List<Object> r : rows) {
                r.replaceAll(v -> v == null ? "" : v);
            }
            sheets.spreadsheets().values().update(spreadsheetId, range(staging, row, column, rows.size(), width),
                    new ValueRange().setValues(rows)).setValueInputOption("RAW").execute();
        }

        private void removeStaging() {
            try {
                batch(List.of(new Request().setDeleteSheet(new DeleteSheetRequest().setSheetId(stagingId))));
            } catch (IOException | RuntimeException e) {
                org.jboss.logging.Logger.getLogger(GoogleSheetsWriter.class).warnf(
                        "Could not remove the staging tab of spreadsheet %s: %s", spreadsheetId, e.getMessage());
            }
        }

        private BatchUpdateSpreadsheetResponse batch(List<Request> requests) throws IOException {
            return sheets.spreadsheets().batchUpdate(spreadsheetId, new BatchUpdateSpreadsheetRequest()
                    .setRequests(requests)).execute();
        }

        /**
         * Google's limit counts every tab's grid: the others', the target's after the write ({@code rows} ×
         * {@code columns} of it from the start cell, or the whole grid of a new tab), and the staging tab's.
         */
        private void checkCellCount(Spreadsheet book, Sheet target, int rows, int columns, int stagedRows) {
            long cells = 0;
            for (Sheet s : book.getSheets()) {
                GridProperties g = s.getProperties().getGridProperties();
                if (g != null && (target == null || !s.getProperties().getSheetId().equals(target.getProperties()
                        .getSheetId()))) {
                    cells += (long) nz(g.getRowCount()) * nz(g.getColumnCount());
                }
            }
            long staged = (long) stagedRows * columns;
            if (target == null) {
                cells += (long) rows * columns; // a new tab: the staging tab is the target
            } else {
                GridProperties g = target.getProperties().getGridProperties();
                long targetRows = Math.max(g == null ? 0 : nz(g.getRowCount()), row0 + rows);
                long targetColumns = Math.max(g == null ? 0 : nz(g.getColumnCount()), column0 + columns);
                cells += targetRows * targetColumns + staged;
            }
            if (cells > MAX_CELLS) {
                throw new DataException("The spreadsheet would hold " + cells + " cells (its other tabs included"
                        + (staged > 0 ? ", and " + staged + " of them briefly in the staging tab" : "")
                        + "); Google Sheets allows at most " + MAX_CELLS + ". Nothing was written: write fewer rows or"
                        + " columns, or to another spreadsheet.");
            }
        }

        private void checkCellLengths(StagedTable table) throws SQLException {
            List<String> lengths = new ArrayList<>();
            List<Column> text = table.columns().stream().filter(c -> c.type() == ColumnType.STRING
                    || c.type() == ColumnType.JSON).toList();
            if (text.isEmpty() || table.rowCount() == 0) {
                return;
            }
            for (Column c : text) {
                lengths.add("coalesce(max(length(" + quote(c.sqlName()) + ")), 0)");
            }
            try (Statement statement = context.staging().createStatement();
                    ResultSet rs = statement.executeQuery("SELECT " + String.join(", ", lengths) + " FROM "
                            + quote(table.sqlName()))) {
                rs.next();
                for (int i = 0; i < text.size(); i++) {
                    if (rs.getLong(i + 1) > MAX_CELL_CHARS) {
                        throw new DataException("Column \"" + text.get(i).name() + "\" has a value of " + rs.getLong(i + 1)
                                + " characters; a Google Sheets cell holds at most " + MAX_CELL_CHARS
                                + ". Nothing was written.");
                    }
                }
            }
        }
    }

    /** A value's size in the request's JSON, at worst (an escaped character counted as \\u0000). */
    static long jsonBytes(Object value) {
        if (value == null) {
            return 4;
        }
        if (!(value instanceof String text)) {
            return value.toString().length();
        }
        long bytes = 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 32 || c == '"' || c == '\\' ? 6 : c < 128 ? 1 : c < 2048 ? 2 : 3;
        }
        return bytes;
    }

    private static int nz(Integer value) {
        return value == null ? 0 : value;
    }

    /** A staged value as Sheets stores it when sent RAW. */
    static Object cellValue(Object value) {
        if (value instanceof Long number) {
            // Sheets keeps 15 significant digits: a longer id would lose its last ones as a number.
            return number > LARGEST_EXACT_NUMBER || number < -LARGEST_EXACT_NUMBER ? Long.toString(number) : number;
        }
        if (value instanceof Double number) {
            return number.isNaN() || number.isInfinite() ? number.toString() : number;
        }
        if (value instanceof BigDecimal decimal) {
            // Sent as the exact decimal (JSON number text), never through a double's binary rounding.
            return decimal.stripTrailingZeros().scale() < 0 ? decimal.setScale(0) : decimal.stripTrailingZeros();
        }
        if (value instanceof LocalDate date) {
            return (double) ChronoUnit.DAYS.between(SERIAL_EPOCH, date);
        }
        if (value instanceof LocalDateTime timestamp) {
            long days = ChronoUnit.DAYS.between(SERIAL_EPOCH, timestamp.toLocalDate());
            return days + timestamp.toLocalTime().toNanoOfDay() / 86_400_000_000_000d;
        }
        return value;
    }
}
