package io.rowflow.pipeline;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * Not a record: a source's statement of its columns before (or without) any row, such as a CSV header. Staging
 * creates the columns at once — in one step, however many — and adds no row, so a file with a header and no rows
 * still has its columns, and a 2,000-column header costs one schema change, not 2,000. Passed through the record
 * stream so that it keeps its place among the records; wrappers forward it as any record.
 */
public final class ColumnsAnnouncement extends LinkedHashMap<String, Object> {
    private ColumnsAnnouncement() {
    }

    public static ColumnsAnnouncement of(List<String> names) {
        ColumnsAnnouncement columns = new ColumnsAnnouncement();
        names.forEach(name -> columns.put(name, null));
        return columns;
    }
}
