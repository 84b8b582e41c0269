package io.rowflow.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns one JSON record into a flat row: nested objects become {@code parent.child} columns, arrays stay JSON text,
 * numbers and booleans keep their type.
 */
public final class Flattener {
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private Flattener() {
    }

    public static Map<String, Object> flatten(JsonNode record) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (record.isObject()) {
            flattenInto(row, "", record);
        } else {
            row.put("value", scalar(record));
        }
        return row;
    }

    private static void flattenInto(Map<String, Object> row, String prefix, JsonNode object) {
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject() && !value.isEmpty()) {
                flattenInto(row, name + ".", value);
            } else {
                row.put(name, scalar(value));
            }
        }
    }

    /**
     * Flattens the record the parser stands on (its current token starts it) straight from the token stream, without
     * building a tree: the same result as {@link #flatten(JsonNode)}, for a fraction of the garbage.
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
                return parser.getDecimalValue().stripTrailingZeros();
            default:
                return new JsonText(parser.readValueAsTree().toString());
        }
    }

    static Object scalar(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            BigInteger big = value.bigIntegerValue();
            return big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0 ? (Object) big.longValue() : big;
        }
        if (value.isNumber()) {
            return value.decimalValue();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        return new JsonText(value.toString());
    }
}
