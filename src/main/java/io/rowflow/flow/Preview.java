package io.rowflow.flow;

import java.util.List;

/**
 * The first rows of a flow's data, with the columns and types Rowflow found, and the values that conversions on the
 * way to the shown step left empty.
 */
public record Preview(List<PreviewColumn> columns, List<List<Object>> rows, int rowCount, boolean truncated,
        long totalRows, String step, List<String> steps, boolean sourceRowsCapped, List<EmptiedValues> emptied) {
    public record PreviewColumn(String name, String type) {
    }

    /**
     * A type conversion step ({@code retype} with {@code onError: "empty"}) found values it could not convert and left
     * them empty: {@code values} of them in {@code column}, the first few as {@code examples}.
     */
    public record EmptiedValues(String step, String column, String to, long values, List<String> examples) {
    }
}
