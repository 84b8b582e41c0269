package io.rowflow.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one JSON record into a flat row: nested objects become {@code parent.child} columns, arrays stay JSON text,
 * numbers and booleans keep their type.
 */
public final class Flattener {
    private Flattener() {
    }

    /**
     * Flattens the record the parser stands on (its current token starts it) straight from the token stream, without
     * building a tree: only one record's values are ever held.
     */
    public static Map<String, Object> flatten(JsonParser parser) throws IOException {
        Map<String, Object> row = new LinkedHashMap<>();
        if (parser.currentToken() == JsonToken.START_OBJECT) {
            if (parser.nextToken() == JsonToken.FIELD_NAME) {
                flattenFields(row, "", parser);
            }
        } else {
            row.put("value", scalar(parser));
        }
        return row;
    }

    /** Flattens the fields of an object; the parser stands on its first FIELD_NAME, and ends on its END_OBJECT. */
    private static void flattenFields(Map<String, Object> row, String prefix, JsonParser parser) throws IOException {
        do {
            String name = prefix + parser.currentName();
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_OBJECT) {
                if (parser.nextToken() == JsonToken.END_OBJECT) {
                    row.put(name, new JsonText("{}"));
                } else {
                    flattenFields(row, name + ".", parser);
                }
            } else {
                row.put(name, scalar(parser));
            }
        } while (parser.nextToken() == JsonToken.FIELD_NAME);
    }

    private static Object scalar(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case VALUE_NULL:
                return null;
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue()
                        : (Object) parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDecimalValue(); // as written: 527.50 keeps its two places
            default:
                return new JsonText(parser.readValueAsTree().toString());
        }
    }
}
