package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A value a filter test compares with: text, a number, or true or false, kept as the flow gives it, so that it is
 * written back the same (1 stays a number, "1" text) and a number given as text stays exact. What it must be depends
 * on the column's type, known when the test compiles ({@link ColumnTest}). The API describes it in
 * application.properties (mp.openapi.schema): a string, a number or a boolean, not the record's field.
 */
public record Operand(@JsonValue JsonNode json) {
    static final String SHAPE = "one value: text, a number, or true or false";

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public Operand {
        if (json == null || json.isContainerNode() || json.isNull()) {
            throw new IllegalArgumentException(SHAPE);
        }
    }

    /** The value as text, as it was written ({@code 100}, {@code "2026-03-31"}). */
    String text() {
        return json.asText();
    }

    /** The value as text, which must not be empty (a day, a text to compare with). */
    String text(String path) {
        if (text().isEmpty()) {
            throw new TransformException(path, "a value is required");
        }
        return text();
    }
}
