package io.rowflow.writer.excel;

import static io.rowflow.pipeline.StagedTable.quote;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.error.DataException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.Handoff;
import io.rowflow.pipeline.RunCancelledException;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.storage.DataFolder;
import io.rowflow.writer.DestinationWriter;
import io.rowflow.writer.RowKeys;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.writer.WriterDescriptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.IndexedColors;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * Writes an .xlsx workbook with Apache POI's streaming API (SXSSF: 100 rows in memory, the rest in temp files that are
 * deleted afterwards). An append streams the existing rows into the new workbook, so memory stays bounded too; an
 * upsert by key does the same, holding only the rows that update existing ones (see {@link Upsert}). The new workbook
 * is written beside the old one and renamed over it in one atomic step, so a reader sees the old file or the new one,
 * never half of one, and a failed write leaves the old file as it was.
 */
@ApplicationScoped
public class ExcelWriter implements DestinationWriter {
    public static final String ID = "excel";
    public static final String FILE_NAME = "workbook.xlsx";
    public static final int MAX_ROWS = 1_048_576;
    public static final int MAX_COLUMNS = 16_384;
    public static final int MAX_CELL_CHARS = 32_767;
    /** Excel keeps 15 significant digits; longer integers (IDs) are written as text so no digit is lost. */
    static final long LARGEST_EXACT_NUMBER = 999_999_999_999_999L;
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/excel.json");
    public static final String MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private static final int WINDOW_ROWS = 100;

    @Override
    public WriterDescriptor descriptor() {
        return new WriterDescriptor(ID, "Excel workbook (.xlsx)", "files", "none", SCHEMA.document()).withFile(
                new WriterDescriptor.FileOutput(FILE_NAME, MEDIA_TYPE, ".xlsx", "Download the workbook"));
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public WriteResult write(WriteContext context, StagedTable table) throws Exception {
        JsonNode settings = SCHEMA.withDefaults(context.settings());
        String sheetName = settings.path("sheetName").asText("Data");
        String mode = settings.path("mode").asText("replace");
        Path target = context.folder().resolve(FILE_NAME);
        List<Column> columns = table.columns();
        checkColumnCount(columns);
        if (context.writeId() != null && Files.exists(target) && context.writeId().equals(WriteStamp.read(target))) {
            return new WriteResult(table.rowCount(), target.getFileName().toString(), true);
        }
        List<String> incoming = columns.stream().map(Column::name).toList();
        ExistingRows existing = !mode.equals("replace") && Files.exists(target) ? ExistingRows.of(target, sheetName)
                : ExistingRows.NONE;
        if (existing.found() && !existing.header().equals(incoming)) {
            // New rows go under the sheet's columns by name: the same columns in another order (an API that sends its
            // fields in the order of the first record) line up; a new one is added at the right.
            table = alignedByName(context.staging(), table, existing.header(), sheetName, mode);
            columns = table.columns();
        }
        int[] widths = checkCellsAndMeasure(context.staging(), table);
        Upsert upsert = mode.equals("upsert") ? Upsert.plan(context.staging(), table, incoming, target, sheetName,
                existing.header(), RowKeys.columns(settings), context.deleted()) : null;

        Path temp = context.folder().resolve("." + FILE_NAME + "." + UUID.randomUUID() + ".tmp");
        SXSSFWorkbook workbook = null;
        try {
            int firstRow = existing.found() ? existing.nextRow() : 1;
            if (upsert != null) {
                firstRow -= upsert.removed();
            }
            checkRowLimit(firstRow, upsert != null ? upsert.appended() : table.rowCount());
            workbook = new SXSSFWorkbook(WINDOW_ROWS);
            if (context.writeId() != null) {
                WriteStamp.set(workbook, context.writeId());
            }
            Styles styles = new Styles(workbook);
            SXSSFSheet sheet = workbook.createSheet(sheetName);
            writeHeader(sheet, columns, styles);
            if (existing.found()) {
                copyExistingRows(target, sheetName, sheet, styles, upsert);
            }
            int rowIndex = firstRow;
            long written = writeRows(context, table, sheet, styles, rowIndex, upsert);
            // Widths are set after the rows: while <col> entries exist, POI looks them up for every new cell.
            setColumnWidths(sheet, widths);
            int lastRow = rowIndex + (int) written - 1;
            if (!columns.isEmpty()) {
                sheet.setAutoFilter(new CellRangeAddress(0, Math.max(0, lastRow), 0, columns.size() - 1));
            }
            DataFolder.createPrivateFile(temp); // 0600: the workbook holds the synced data
            try (OutputStream out = Files.newOutputStream(temp)) {
                workbook.write(out);
            }
            context.fence().run();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new WriteResult(upsert != null ? written + upsert.updated() : written,
                    target.getFileName().toString());
        } finally {
            if (workbook != null) {
                workbook.close();
                workbook.dispose();
            }
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public List<io.rowflow.common.error.FieldError> check(JsonNode settings, String field) {
        return RowKeys.checkUpsert(settings, field);
    }

    /** Fails when a sheet has fewer columns than the rows need; nothing is written then. */
    public static void checkColumnCount(List<Column> columns) {
        if (columns.size() > MAX_COLUMNS) {
            throw new DataException("The result has " + columns.size() + " columns; an Excel sheet holds at most "
                    + MAX_COLUMNS + ". Nothing was written.");
        }
    }

    /** Fails when a sheet has too few rows for {@code rows} from {@code firstDataRow} (0-based, the header is row 0). */
    public static void checkRowLimit(int firstDataRow, long rows) {
        if (firstDataRow + rows > MAX_ROWS) {
            throw new DataException("The sheet would need " + (firstDataRow + rows) + " rows with its header; an Excel"
                    + " sheet holds at most " + MAX_ROWS + ". Nothing was written.");
        }
    }

    /**
     * The new rows as a view in the sheet's column order: each existing column by its name (empty where the new rows
     * lack it), then the new rows' other columns. Refused only when a header names a column twice, so that names
     * cannot tell the columns apart.
     */
    private static StagedTable alignedByName(Connection staging, StagedTable table, List<String> header,
            String sheetName, String mode) throws SQLException {
        String refused = mode.equals("upsert") ? "Cannot update by key" : "Cannot append";
        List<String> incoming = table.columns().stream().map(Column::name).toList();
        if (new java.util.HashSet<>(header).size() != header.size()) {
            throw new DataException(refused + ": the sheet \"" + sheetName + "\" names a column twice in its header "
                    + header + ", so the new rows " + incoming + " cannot be matched to it by name. Rename the sheet's"
                    + " columns, or write to a new sheet. Nothing was written.");
        }
        if (incoming.stream().noneMatch(header::contains)) {
            throw new DataException(refused + ": the sheet \"" + sheetName + "\" has the columns " + header
                    + " and the new rows " + incoming + ", none of them the same: these look like other data. Write"
                    + " them to another sheet, or replace the sheet. Nothing was written.");
        }
        java.util.Map<String, Column> byName = new java.util.LinkedHashMap<>();
        table.columns().forEach(c -> byName.put(c.name(), c));
        List<Column> aligned = new ArrayList<>();
        List<String> select = new ArrayList<>();
        List<String> order = new ArrayList<>(header);
        incoming.stream().filter(name -> !header.contains(name)).forEach(order::add);
        for (String name : order) {
            Column column = byName.get(name);
            String sqlName = "a" + aligned.size();
            select.add((column == null ? "CAST(NULL AS VARCHAR)" : quote(column.sqlName())) + " AS " + quote(sqlName));
            aligned.add(new Column(name, column == null ? ColumnType.STRING : column.type(), sqlName));
        }
        String view = table.sqlName() + "_aligned";
        try (Statement statement = staging.createStatement()) {
            statement.execute("CREATE OR REPLACE TEMP VIEW " + quote(view) + " AS SELECT " + String.join(", ", select)
                    + " FROM " + quote(table.sqlName()));
        }
        return new StagedTable(view, aligned, table.rowCount());
    }

    /** What an append finds in the existing sheet: its header, and the row after its last one. */
    private record ExistingRows(boolean found, List<String> header, int nextRow) {
        static final ExistingRows NONE = new ExistingRows(false, List.of(), 1);

        static ExistingRows of(Path workbook, String sheetName) throws IOException {
            List<String> header = new ArrayList<>();
            int[] last = { 0 };
            boolean found = ExistingSheetReader.read(workbook, sheetName, (index, values) -> {
                if (index == 0) {
                    values.forEach(v -> header.add(v == null ? "" : v.toString()));
                }
                last[0] = Math.max(last[0], index);
            });
            return found ? new ExistingRows(true, header, last[0] + 1) : NONE;
        }
    }

    /**
     * Streams the existing data rows into the new sheet, each cell keeping its type; under upsert, with the updates
     * applied and the removed rows left out.
     */
    private static void copyExistingRows(Path workbook, String sheetName, Sheet sheet, Styles styles, Upsert upsert)
            throws IOException {
        ExistingSheetReader.read(workbook, sheetName, (index, values) -> {
            if (index == 0) {
                return;
            }
            Upsert.ExcelRow written = upsert == null ? new Upsert.ExcelRow(index, values.toArray())
                    : upsert.existing(index, values);
            if (written == null) {
                return;
            }
            Row row = sheet.createRow(written.index());
            Object[] cells = written.values();
            for (int i = 0; i < cells.length; i++) {
                if (cells[i] != null) {
                    writeCell(row.createCell(i), cells[i], styles);
                }
            }
        });
    }

    /**
     * One pass over the staged table, before anything is written: fails on a text longer than a cell holds, and
     * measures each column's widest value for the column widths.
     */
    public static int[] checkCellsAndMeasure(Connection staging, StagedTable table) throws SQLException {
        List<Column> columns = table.columns();
        int[] widths = new int[columns.size()];
        if (columns.isEmpty() || table.rowCount() == 0) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = columns.get(i).name().length();
            }
            return widths;
        }
        List<String> lengths = new ArrayList<>();
        for (Column column : columns) {
            lengths.add("max(length(CAST(" + quote(column.sqlName()) + " AS VARCHAR)))");
        }
        try (Statement statement = staging.createStatement();
                ResultSet rs = statement.executeQuery("SELECT " + String.join(", ", lengths) + " FROM "
                        + quote(table.sqlName()))) {
            rs.next();
            for (int i = 0; i < columns.size(); i++) {
                long longest = rs.getLong(i + 1);
                if (longest > MAX_CELL_CHARS) {
                    throw new DataException("Column \"" + columns.get(i).name() + "\" has a value of " + longest
                            + " characters; an Excel cell holds at most " + MAX_CELL_CHARS + ". Nothing was written.");
                }
                Column column = columns.get(i);
                int typical = switch (column.type()) {
                    case DATE -> 10;
                    case TIMESTAMP -> 19;
                    default -> (int) longest;
                };
                widths[i] = Math.max(column.name().length() + 3, typical);
            }
        }
        return widths;
    }

    private static void writeHeader(Sheet sheet, List<Column> columns, Styles styles) {
        Row header = sheet.createRow(0);
        for (int i = 0; i < columns.size(); i++) {
            Cell cell = header.createCell(i);
            cell.setCellValue(columns.get(i).name());
            cell.setCellStyle(styles.header);
        }
        sheet.createFreezePane(0, 1);
    }

    private static void setColumnWidths(Sheet sheet, int[] widths) {
        for (int i = 0; i < widths.length; i++) {
            sheet.setColumnWidth(i, Math.min(Math.max(widths[i], 8) + 2, 60) * 256);
        }
    }

    /**
     * Reads the staged rows in this thread and writes the cells in a helper thread: reading DuckDB and producing the
     * sheet's XML each take one core.
     */
    private static long writeRows(WriteContext context, StagedTable table, Sheet sheet, Styles styles, int firstRow,
            Upsert upsert) throws SQLException {
        List<Column> columns = table.columns();
        if (columns.isEmpty()) {
            return 0;
        }
        ColumnType[] types = columns.stream().map(Column::type).toArray(ColumnType[]::new);
        int[] nextRow = { firstRow };
        Handoff<Object[]> cells = new Handoff<>("rowflow-xlsx", 512, 8, values -> {
            Row row = sheet.createRow(nextRow[0]++);
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null) {
                    writeCell(row.createCell(i), values[i], styles);
                }
            }
        });
        long read = 0;
        try (Statement statement = context.staging().createStatement();
                ResultSet rs = statement.executeQuery(table.selectAll())) {
            while (rs.next()) {
                if ((read & 0x3FFF) == 0 && context.cancelled().getAsBoolean()) {
                    throw new RunCancelledException();
                }
                Object[] values = new Object[types.length];
                for (int i = 0; i < types.length; i++) {
                    values[i] = types[i].read(rs, i + 1);
                }
                if (upsert == null || upsert.appends(read, values)) {
                    cells.put(values);
                }
                read++;
            }
            cells.finish();
        } catch (SQLException | RuntimeException | Error e) {
            cells.abort();
            throw e;
        }
        return nextRow[0] - firstRow;
    }

    private static void writeCell(Cell cell, Object value, Styles styles) {
        CellStyle style = styles.plain;
        if (value instanceof Long number) {
            if (number > LARGEST_EXACT_NUMBER || number < -LARGEST_EXACT_NUMBER) { // not Math.abs: it overflows for Long.MIN_VALUE
                cell.setCellValue(Long.toString(number));
            } else {
                cell.setCellValue(number);
            }
        } else if (value instanceof Double number) {
            cell.setCellValue(number);
        } else if (value instanceof java.math.BigDecimal decimal) {
            // A cell holds a double; from the exact decimal it is the nearest one, which Excel shows as the decimal.
            cell.setCellValue(decimal.doubleValue());
        } else if (value instanceof Boolean flag) {
            cell.setCellValue(flag);
        } else if (value instanceof LocalDate date) {
            cell.setCellValue(date);
            style = styles.date;
        } else if (value instanceof LocalDateTime timestamp) {
            cell.setCellValue(timestamp);
            style = styles.timestamp;
        } else {
            // A string cell is never a formula: text such as "=SUM(A1)" stays text when Excel opens the file.
            cell.setCellValue((String) value);
        }
        cell.setCellStyle(style);
    }

    private static final class Styles {
        /**
         * The workbook's default style, set on every plain cell: a cell without a style of its own makes POI look up
         * its column's default style for each cell it writes, a search of the sheet's XML beans.
         */
        final CellStyle plain;
        final CellStyle header;
        final CellStyle date;
        final CellStyle timestamp;

        Styles(SXSSFWorkbook workbook) {
            plain = workbook.getCellStyleAt(0);
            Font bold = workbook.createFont();
            bold.setBold(true);
            header = workbook.createCellStyle();
            header.setFont(bold);
            header.setFillForegroundColor(IndexedColors.GREY_25_PERCENT.getIndex());
            header.setFillPattern(FillPatternType.SOLID_FOREGROUND);
            header.setBorderBottom(BorderStyle.THIN);
            var format = workbook.getCreationHelper().createDataFormat();
            date = workbook.createCellStyle();
            date.setDataFormat(format.getFormat("yyyy-mm-dd"));
            timestamp = workbook.createCellStyle();
            timestamp.setDataFormat(format.getFormat("yyyy-mm-dd hh:mm:ss"));
        }
    }
}
