package io.rowflow.connector.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.DataException;
import io.rowflow.pipeline.Flattener;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Streams one JSON response: the records at {@code recordsPath} go to the consumer one at a time (only one record is
 * in memory), and the scalar values at the {@code capturePaths} (next link, cursor) are kept for pagination. A
 * capture path names an array's item by its index ({@code errors.0.extensions.code}).
 */
final class JsonPageReader {
    /** Nested arrays are kept as JSON text; reading their decimals as BigDecimal keeps every digit of them. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private final String recordsPath;
    private final List<String> capturePaths;

    JsonPageReader(String recordsPath, List<String> capturePaths) {
        this.recordsPath = recordsPath;
        this.capturePaths = capturePaths.stream().filter(p -> p != null && !p.isBlank()).toList();
    }

    record Page(long records, boolean recordsFound, Map<String, String> captured) {
    }

    Page read(InputStream in, Consumer<Map<String, Object>> records) throws IOException {
        Walk walk = new Walk(records);
        try (JsonParser parser = FACTORY.createParser(in)) {
            if (parser.nextToken() == null) {
                throw new DataException("The response body is empty, not JSON");
            }
            walk.value(parser, "");
            if (parser.nextToken() != null) {
                throw new DataException("The response has more than one JSON value");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataException("The response is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        return new Page(walk.count, walk.found, walk.captured);
    }

    private final class Walk {
        final Consumer<Map<String, Object>> records;
        final Map<String, String> captured = new HashMap<>();
        long count;
        boolean found;

        Walk(Consumer<Map<String, Object>> records) {
            this.records = records;
        }

        void value(JsonParser parser, String path) throws IOException {
            JsonToken token = parser.currentToken();
            if (path.equals(recordsPath)) {
                found = true;
                if (token == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        emit(Flattener.flatten(parser));
                    }
                } else if (token == JsonToken.START_OBJECT) {
                    emit(Flattener.flatten(parser));
                } else if (token != JsonToken.VALUE_NULL) {
                    throw new DataException("The value at \"" + display(path) + "\" is not an array or an object of records");
                }
                return;
            }
            if (capturePaths.contains(path) && token.isScalarValue()) {
                captured.put(path, token == JsonToken.VALUE_NULL ? null : parser.getText());
                return;
            }
            if (token == JsonToken.START_OBJECT && leadsSomewhere(path)) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    value(parser, path.isEmpty() ? name : path + "." + name);
                }
            } else if (token == JsonToken.START_ARRAY && leadsSomewhere(path)) {
                // A captured path may go through an array by index: errors.0.extensions.code (GraphQL's errors).
                for (int index = 0; parser.nextToken() != JsonToken.END_ARRAY; index++) {
                    value(parser, path.isEmpty() ? Integer.toString(index) : path + "." + index);
                }
            } else if (token.isStructStart()) {
                parser.skipChildren();
            }
        }

        private void emit(Map<String, Object> record) {
            records.accept(record);
            count++;
        }

        private boolean leadsSomewhere(String path) {
            String prefix = path.isEmpty() ? "" : path + ".";
            return recordsPath.startsWith(prefix) || capturePaths.stream().anyMatch(p -> p.startsWith(prefix));
        }
    }

    static String display(String path) {
        return path.isEmpty() ? "(the response itself)" : path;
    }
}
