package io.rowflow.writer.excel;

import io.rowflow.common.error.DataException;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.writer.RowKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an upsert by key does to a sheet, worked out before anything is written: which existing rows the new rows
 * update in place (the first row with their key), which new rows are appended (a new key; the last row of a key the
 * new rows give twice), and which existing rows are removed (their key is among the records the source says were
 * deleted, and no new row has it). Only the rows that update existing ones are held in memory; the appended rows are
 * read from staging again as they are written, and the existing rows are streamed from the old workbook.
 */
final class Upsert {
    private final int[] sheetKeyAt;
    private final boolean[] fromNewRows;
    private final int[] keyAt;
    private final Map<String, Integer> firstRowOfKey;
    private final Map<String, Object[]> updates;
    private final Map<String, Long> appendOrdinal;
    private final Set<String> deleted;
    private final int removed;
    private int removedSoFar;

    private Upsert(int[] sheetKeyAt, boolean[] fromNewRows, int[] keyAt, Map<String, Integer> firstRowOfKey,
            Map<String, Object[]> updates, Map<String, Long> appendOrdinal, Set<String> deleted, int removed) {
        this.sheetKeyAt = sheetKeyAt;
        this.fromNewRows = fromNewRows;
        this.keyAt = keyAt;
        this.firstRowOfKey = firstRowOfKey;
        this.updates = updates;
        this.appendOrdinal = appendOrdinal;
        this.deleted = deleted;
        this.removed = removed;
    }

    /**
     * @param table the new rows, already in the sheet's column order (existing columns first)
     * @param incoming the names of the columns the new rows really have (the others are empty only by alignment)
     * @param existingHeader the sheet's header, empty when there is no sheet yet
     */
    static Upsert plan(Connection staging, StagedTable table, List<String> incoming, Path workbook, String sheetName,
            List<String> existingHeader, List<String> keyColumns, StagedTable deletedRows) throws IOException,
            SQLException {
        if (keyColumns.isEmpty()) {
            throw new DataException("Upsert needs the columns that identify a row: set keyColumns (e.g. [\"key\"]) on"
                    + " the Excel destination. Nothing was written.");
        }
        RowKeys.positions(keyColumns, incoming, "the new rows");
        List<Column> columns = table.columns();
        List<String> names = columns.stream().map(Column::name).toList();
        int[] keyAt = RowKeys.positions(keyColumns, names, "the new rows");
        boolean[] fromNewRows = new boolean[columns.size()];
        for (int i = 0; i < fromNewRows.length; i++) {
            fromNewRows[i] = incoming.contains(names.get(i));
        }
        Map<String, Integer> firstRowOfKey = new HashMap<>();
        Map<String, Integer> rowsOfKey = new HashMap<>();
        int[] sheetKeyAt = new int[0];
        if (!existingHeader.isEmpty()) {
            int[] at = RowKeys.positions(keyColumns, existingHeader, "the sheet \"" + sheetName + "\"");
            sheetKeyAt = at;
            ExistingSheetReader.read(workbook, sheetName, (index, values) -> {
                if (index > 0) {
                    String key = RowKeys.of(values, at);
                    firstRowOfKey.putIfAbsent(key, index);
                    rowsOfKey.merge(key, 1, Integer::sum);
                }
            });
        }
        Map<String, Object[]> updates = new HashMap<>();
        Map<String, Long> appendOrdinal = new HashMap<>();
        ColumnType[] types = columns.stream().map(Column::type).toArray(ColumnType[]::new);
        try (Statement statement = staging.createStatement(); ResultSet rs = statement.executeQuery(table.selectAll())) {
            // DuckDB keeps a table's insertion order in a plain scan: the second scan (the appends) sees this order.
            for (long ordinal = 0; rs.next(); ordinal++) {
                Object[] values = new Object[types.length];
                for (int i = 0; i < types.length; i++) {
                    values[i] = types[i].read(rs, i + 1);
                }
                String key = RowKeys.of(values, keyAt);
                if (firstRowOfKey.containsKey(key)) {
                    updates.put(key, values); // the last row of a key wins, as it would in a read in order
                } else {
                    appendOrdinal.put(key, ordinal);
                }
            }
        }
        Set<String> deleted = RowKeys.ofDeleted(staging, deletedRows, keyColumns);
        int removed = 0;
        for (String key : deleted) {
            if (!updates.containsKey(key)) {
                removed += rowsOfKey.getOrDefault(key, 0);
            }
        }
        return new Upsert(sheetKeyAt, fromNewRows, keyAt, firstRowOfKey, updates, appendOrdinal, deleted, removed);
    }

    /** Existing rows that are removed (deleted at the source). */
    int removed() {
        return removed;
    }

    /** New rows with a key the sheet does not have yet. */
    int appended() {
        return appendOrdinal.size();
    }

    /** Existing rows updated in place. */
    int updated() {
        return updates.size();
    }

    /**
     * An existing row as it is written: its index moved up past the removed rows above it, its values updated when a
     * new row has its key (a column the new rows do not have keeps its cell); null when it is removed. Called in order.
     */
    ExcelRow existing(int index, List<Object> values) {
        String key = RowKeys.of(values, sheetKeyAt);
        Object[] update = updates.get(key);
        if (update == null && deleted.contains(key)) {
            removedSoFar++;
            return null;
        }
        if (update == null || firstRowOfKey.get(key) != index) {
            return new ExcelRow(index - removedSoFar, values.toArray());
        }
        Object[] merged = new Object[Math.max(update.length, values.size())];
        for (int i = 0; i < merged.length; i++) {
            boolean fromNew = i < update.length && fromNewRows[i];
            merged[i] = fromNew ? update[i] : i < values.size() ? values.get(i) : null;
        }
        return new ExcelRow(index - removedSoFar, merged);
    }

    /** Whether a staged row (by its place in the table) is appended: a new key, the last row of it. */
    boolean appends(long ordinal, Object[] values) {
        Long last = appendOrdinal.get(RowKeys.of(values, keyAt));
        return last != null && last == ordinal;
    }

    record ExcelRow(int index, Object[] values) {
    }
}
