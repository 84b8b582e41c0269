package io.rowflow.writer;

import io.rowflow.connector.ConnectionAccess;
import java.util.Map;

/**
 * What a picker is asked with: the destination's connection, resolved by the layer above, and the values of the
 * settings the picker depends on (a spreadsheet for its tabs), by setting name.
 */
public record PickerRequest(ConnectionAccess connection, Map<String, String> values) {
    /** The value of the setting {@code name}, or a 422 naming it when it is missing. */
    public String require(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw io.rowflow.common.error.InvalidInputException.field(name, "choose it first");
        }
        return value;
    }
}
