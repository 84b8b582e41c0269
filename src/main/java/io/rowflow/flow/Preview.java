package io.rowflow.flow;

import java.util.List;

/** The first rows of a flow's data, with the columns and types Rowflow found. */
public record Preview(List<PreviewColumn> columns, List<List<Object>> rows, int rowCount, boolean truncated,
        long totalRows, String step, List<String> steps, boolean sourceRowsCapped) {
    public record PreviewColumn(String name, String type) {
    }
}
