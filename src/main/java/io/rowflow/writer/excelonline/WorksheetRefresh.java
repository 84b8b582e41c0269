package io.rowflow.writer.excelonline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.RunCancelledException;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.excel.ExcelWriter;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellReference;
import org.jboss.logging.Logger;

/**
 * Refreshes one worksheet of an existing workbook in place, through a persistent workbook session: the header and rows
 * go in from A1 in range updates of a bounded number of cells, then whatever the sheet's old data covered beyond them
 * is cleared. Other sheets, and the formulas and charts that read this one, are left alone (unlike uploading a new
 * file). A missing sheet is added. Readers may see the sheet between two updates: this mode trades the upload's
 * all-at-once change for keeping the rest of the workbook.
 */
final class WorksheetRefresh {
    private static final Logger LOG = Logger.getLogger(WorksheetRefresh.class);
    private static final LocalDate SERIAL_EPOCH = LocalDate.of(1899, 12, 30);
    private final GraphClient graph;
    private final int cellsPerRequest;

    WorksheetRefresh(GraphClient graph, int cellsPerRequest) {
        this.graph = graph;
        this.cellsPerRequest = cellsPerRequest;
    }

    /** Writes the table into the sheet {@code sheetName} of the workbook at {@code itemPath} (/drives/…/items/{id}). */
    long refresh(String itemPath, String sheetName, WriteContext context, StagedTable table) throws SQLException {
        List<Column> columns = table.columns();
        ExcelWriter.checkColumnCount(columns);
        ExcelWriter.checkRowLimit(1, table.rowCount());
        ExcelWriter.checkCellsAndMeasure(context.staging(), table);
        String workbook = itemPath + "/workbook";
        GraphClient.WorkbookSession session = graph.post(workbook + "/createSession", Map.of("persistChanges", true),
                Map.of(), GraphClient.WorkbookSession.class, "opening the workbook");
        Map<String, String> inSession = Map.of("workbook-session-id", session.id());
        try {
            String sheet = worksheet(workbook, sheetName, inSession);
            CellRangeAddress old = usedRange(sheet, inSession);
            context.fence().run();
            int width = Math.max(1, columns.size());
            long rows = write(sheet, context, table, inSession);
            clearBeyond(sheet, old, (int) rows + 1, width, inSession);
            return rows;
        } finally {
            close(workbook, inSession);
        }
    }

    /** The sheet's path in the workbook, the sheet added when missing (names compare without case, as in Excel). */
    private String worksheet(String workbook, String name, Map<String, String> inSession) {
        List<GraphClient.Worksheet> sheets = graph.list(workbook + "/worksheets?$select=id,name",
                GraphClient.Worksheet.class, "listing the workbook's sheets");
        GraphClient.Worksheet found = sheets.stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst()
                .orElse(null);
        if (found == null) {
            found = graph.post(workbook + "/worksheets/add", Map.of("name", name), inSession,
                    GraphClient.Worksheet.class, "adding the sheet \"" + name + "\"");
        }
        return workbook + "/worksheets/" + GraphClient.segment(found.id());
    }

    /** The cells the sheet's values cover now (A1 alone when it is empty). */
    private CellRangeAddress usedRange(String sheet, Map<String, String> inSession) {
        String address = GraphClient.JSON.convertValue(graph.call("GET", sheet
                + "/usedRange(valuesOnly=true)?$select=address", null, inSession, "reading which cells the sheet uses")
                .body(), GraphClient.Range.class).address();
        return CellRangeAddress.valueOf(address.substring(address.lastIndexOf('!') + 1).replace("$", ""));
    }

    /** The header and the rows, from A1, a batch of whole rows per range update; answers the data rows written. */
    private long write(String sheet, WriteContext context, StagedTable table, Map<String, String> inSession)
            throws SQLException {
        List<Column> columns = table.columns();
        if (columns.isEmpty()) {
            return 0;
        }
        ColumnType[] types = columns.stream().map(Column::type).toArray(ColumnType[]::new);
        int rowsPerRequest = Math.max(1, cellsPerRequest / columns.size());
        Batch batch = new Batch(columns.size());
        Object[] header = columns.stream().map(Column::name).toArray();
        batch.add(header);
        int nextRow = 1; // 1-based row of the batch's first row
        long written = 0;
        long started = System.nanoTime();
        try (Statement statement = context.staging().createStatement();
                ResultSet rs = statement.executeQuery(table.selectAll())) {
            while (rs.next()) {
                Object[] values = new Object[types.length];
                for (int i = 0; i < types.length; i++) {
                    values[i] = types[i].read(rs, i + 1);
                }
                batch.add(values);
                written++;
                if (batch.rows() == rowsPerRequest) {
                    if (context.cancelled().getAsBoolean()) {
                        throw new RunCancelledException();
                    }
                    nextRow = send(sheet, batch, nextRow, inSession);
                }
            }
        }
        if (batch.rows() > 0) {
            send(sheet, batch, nextRow, inSession);
        }
        LOG.debugf("Wrote %d rows into %s in %d ms", (Object) written, sheet, Duration.ofNanos(System.nanoTime() - started)
                .toMillis());
        return written;
    }

    private int send(String sheet, Batch batch, int firstRow, Map<String, String> inSession) {
        int lastRow = firstRow + batch.rows() - 1;
        String address = "A" + firstRow + ":" + CellReference.convertNumToColString(batch.width - 1) + lastRow;
        graph.call("PATCH", sheet + "/range(address='" + address + "')", Map.of("values", batch.values,
                "numberFormat", batch.formats), inSession, "writing rows " + firstRow + " to " + lastRow);
        batch.clear();
        return lastRow + 1;
    }

    /**
     * Clears what the old data covered beyond the new: the rows under them, and the columns right of them. Contents
     * only: a user's formatting there stays.
     */
    private void clearBeyond(String sheet, CellRangeAddress old, int rows, int width, Map<String, String> inSession) {
        int oldLastRow = old.getLastRow() + 1;
        int oldLastColumn = old.getLastColumn() + 1;
        List<String> stale = new ArrayList<>();
        if (oldLastRow > rows) {
            stale.add("A" + (rows + 1) + ":" + CellReference.convertNumToColString(Math.max(width, oldLastColumn) - 1)
                    + oldLastRow);
        }
        if (oldLastColumn > width) {
            stale.add(CellReference.convertNumToColString(width) + "1:" + CellReference.convertNumToColString(
                    oldLastColumn - 1) + Math.min(rows, oldLastRow));
        }
        for (String address : stale) {
            graph.call("POST", sheet + "/range(address='" + address + "')/clear", Map.of("applyTo", "Contents"),
                    inSession, "clearing the old rows in " + address);
        }
    }

    private void close(String workbook, Map<String, String> inSession) {
        try {
            graph.call("POST", workbook + "/closeSession", Map.of(), inSession, "closing the workbook");
        } catch (RuntimeException e) {
            LOG.debugf("Closing a workbook session failed (it expires by itself): %s", e.getMessage());
        }
    }

    /** Rows of cell values and their number formats, as a range update takes them. */
    private static final class Batch {
        final int width;
        final ArrayNode values = JsonNodeFactory.instance.arrayNode();
        final ArrayNode formats = JsonNodeFactory.instance.arrayNode();

        Batch(int width) {
            this.width = width;
        }

        int rows() {
            return values.size();
        }

        void clear() {
            values.removeAll();
            formats.removeAll();
        }

        void add(Object[] row) {
            ArrayNode cells = values.addArray();
            ArrayNode format = formats.addArray();
            for (Object value : row) {
                format.add(cell(cells, value));
            }
        }

        /** Adds the value as Excel should hold it; answers its number format. */
        private static String cell(ArrayNode cells, Object value) {
            if (value == null) {
                cells.add(""); // an empty string empties the cell; null would leave the old value
            } else if (value instanceof Long number) {
                if (Math.abs((double) number) > 999_999_999_999_999d) {
                    cells.add("'" + number); // Excel keeps 15 digits: longer whole numbers (ids) stay text
                } else {
                    cells.add(number);
                }
            } else if (value instanceof Double number) {
                if (number.isNaN() || number.isInfinite()) {
                    cells.add(number.toString());
                } else {
                    cells.add(number);
                }
            } else if (value instanceof BigDecimal decimal) {
                cells.add(decimal.doubleValue());
            } else if (value instanceof Boolean flag) {
                cells.add(flag);
            } else if (value instanceof LocalDate date) {
                cells.add(ChronoUnit.DAYS.between(SERIAL_EPOCH, date));
                return "yyyy-mm-dd";
            } else if (value instanceof LocalDateTime timestamp) {
                double days = ChronoUnit.DAYS.between(SERIAL_EPOCH, timestamp.toLocalDate())
                        + timestamp.toLocalTime().toNanoOfDay() / 86_400_000_000_000d;
                cells.add(days);
                return "yyyy-mm-dd hh:mm:ss";
            } else {
                // Values are read as if typed: "=A1" would become a formula, "007" a number, "Jan 5" a date. After an
                // apostrophe (which Excel hides) text stays text.
                cells.add(value.toString().isEmpty() ? "" : "'" + value);
            }
            return "General";
        }
    }
}
