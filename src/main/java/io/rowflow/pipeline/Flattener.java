package io.rowflow.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
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
