package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.connector.ChangeTimes;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.pipeline.RecordSink;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What happens to a stream's records between the page reader and the run, each step a sink wrapping the next: rich
 * text made readable, arrays of associated records made one column, the unwrapped object's fields named by their
 * labels in a stable order, merged-away keys noted, and on incremental reads only changes not delivered before kept.
 */
final class RecordPipeline {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordPipeline() {
    }

    /**
     * The keys a changed record names in the manifest's merged-ids field, told to the read as gone; the field is asked
     * for even when the connection's field choice leaves it out, and then taken off the record again.
     */
    static RecordSink mergedAway(JsonNode mergedIds, String unwrap, FieldDiscovery.Fields fields, IncrementalSync sync,
            RecordSink sink) {
        if (mergedIds == null || sync == null) {
            return sink;
        }
        String field = mergedIds.get("field").asText();
        String path = unwrap == null ? field : unwrap + "." + field;
        String separator = mergedIds.path("separator").asText(";");
        boolean chosen = fields.names().isEmpty() || fields.names().contains(field);
        return record -> {
            Object value = chosen ? record.get(path) : record.remove(path);
            if (value != null) {
                for (String key : value.toString().split(Pattern.quote(separator))) {
                    if (!key.isBlank()) {
                        sync.mergedAway(key.strip());
                    }
                }
            }
            sink.accept(record);
        };
    }

    /**
     * Values as the API's own conventions mean them, before anything else reads the record (an incremental read's
     * change time included): Unix times as timestamps, then amounts in minor units as decimals.
     */
    static RecordSink converted(Manifest.Stream stream, RecordSink sink) {
        return unixTimes(stream.unixTimeFields(), minorUnits(stream.minorUnits(), sink));
    }

    /**
     * Fields holding Unix times in seconds (Stripe's created: 1405641735) as ISO-8601 text in UTC, which is read as a
     * timestamp like every other date the APIs send as text. 0 is how APIs say "never" (Slack's topic never set): it
     * is empty. A value that is not a number is left as it is.
     */
    static RecordSink unixTimes(List<String> fields, RecordSink sink) {
        if (fields.isEmpty()) {
            return sink;
        }
        return record -> {
            for (String field : fields) {
                Object value = record.get(field);
                BigDecimal seconds = decimal(value);
                if (seconds != null) {
                    record.put(field, seconds.signum() == 0 ? null
                            : java.time.Instant.ofEpochSecond(seconds.longValue()).toString());
                }
            }
            sink.accept(record);
        };
    }

    /**
     * Amounts an API states in a currency's minor units (Stripe: 1234 USD cents) as decimals of the currency itself
     * (12.34), exactly: shifted by the currency's exponent — the manifest's list, else {@code default_exponent}, so
     * 1200 JPY stays 1200 and 1234 KWD fils are 1.234. Every amount becomes a decimal, whatever its currency, so a
     * column has one type; a record without a currency takes the default exponent too (Stripe leaves a customer's
     * currency empty only while its balance is 0).
     */
    static RecordSink minorUnits(MinorUnits spec, RecordSink sink) {
        if (spec == null) {
            return sink;
        }
        return record -> {
            Object currency = record.get(spec.currencyField());
            int exponent = spec.exponent(currency == null ? "" : currency.toString());
            for (String field : spec.amountFields()) {
                BigDecimal minor = decimal(record.get(field));
                if (minor != null) {
                    record.put(field, minor.movePointLeft(exponent));
                }
            }
            sink.accept(record);
        };
    }

    /**
     * A stream's {@code minor_units}: which fields are amounts, where their currency is, and each currency's exponent
     * (keys compared without case: Stripe writes "usd").
     */
    record MinorUnits(List<String> amountFields, String currencyField, Map<String, Integer> exponents,
            int defaultExponent) {
        static MinorUnits of(JsonNode spec) {
            if (spec == null) {
                return null;
            }
            List<String> amounts = new java.util.ArrayList<>();
            spec.get("amount_fields").forEach(field -> amounts.add(field.asText()));
            Map<String, Integer> exponents = new java.util.HashMap<>();
            spec.path("exponents").fields().forEachRemaining(e -> exponents.put(e.getKey().toLowerCase(
                    java.util.Locale.ROOT), e.getValue().asInt()));
            return new MinorUnits(List.copyOf(amounts), spec.get("currency_field").asText(), Map.copyOf(exponents),
                    spec.path("default_exponent").asInt(2));
        }

        int exponent(String currency) {
            return exponents.getOrDefault(currency.strip().toLowerCase(java.util.Locale.ROOT), defaultExponent);
        }
    }

    /** A number as read (a whole number, a decimal, or digits as text); null for anything else. */
    private static BigDecimal decimal(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof java.math.BigInteger) {
            return new BigDecimal(value.toString());
        }
        if (value instanceof String text && !text.isBlank()) {
            try {
                return new BigDecimal(text.strip());
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }

    /** Only changes not delivered before go on (see {@link IncrementalSync#admit}). */
    static RecordSink admitted(JsonNode incremental, IncrementalSync sync, RecordSink sink) {
        if (incremental == null || sync == null) {
            return sink;
        }
        String keyField = incremental.get("primary_key").asText();
        String cursorField = incremental.get("cursor_field").asText();
        return record -> {
            Object key = record.get(keyField);
            if (sync.admit(key == null ? null : key.toString(), ChangeTimes.parse(record.get(cursorField)))) {
                sink.accept(record);
            }
        };
    }

    /**
     * Arrays as one text column of their values, joined by the entry's {@code separator} (default ","): the
     * {@code field} of each object (associated records' ids: "501,502"), or without one the plain values themselves
     * (Airtable's select options: "Red, Blue"). A path ending in ".*" takes every array directly under that object,
     * each staying in its own column, and only where every item gives a plain value: an array of other things is left
     * as JSON for a later entry (Airtable: attachments by url, then collaborators by name).
     */
    static RecordSink listColumns(JsonNode specs, RecordSink sink) {
        if (specs == null || specs.isEmpty()) {
            return sink;
        }
        return record -> {
            for (JsonNode spec : specs) {
                String path = spec.get("path").asText();
                String field = spec.hasNonNull("field") ? spec.get("field").asText() : null;
                String separator = spec.path("separator").asText(",");
                if (path.endsWith(".*")) {
                    String under = path.substring(0, path.length() - 1);
                    for (Map.Entry<String, Object> entry : record.entrySet()) {
                        String key = entry.getKey();
                        if (key.startsWith(under) && key.indexOf('.', under.length()) < 0
                                && entry.getValue() instanceof io.rowflow.pipeline.JsonText text) {
                            String joined = joined(text, field, separator, true);
                            if (joined != null) {
                                entry.setValue(joined);
                            }
                        }
                    }
                    continue;
                }
                Object list = record.remove(path);
                record.put(spec.get("column").asText(), list instanceof io.rowflow.pipeline.JsonText text
                        ? joined(text, field, separator, false) : null);
            }
            sink.accept(record);
        };
    }

    /**
     * A JSON array's items as text joined by {@code separator}: each item's {@code field}, or the item itself when
     * none is named. {@code strict}: null unless the JSON is an array whose every item gives a plain value.
     */
    private static String joined(io.rowflow.pipeline.JsonText text, String field, String separator, boolean strict) {
        JsonNode items;
        try {
            items = JSON.readTree(text.json());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        if (strict && !items.isArray()) {
            return null;
        }
        List<String> values = new java.util.ArrayList<>();
        for (JsonNode item : items) {
            JsonNode value = field == null ? item : item.path(field);
            if (strict && !value.isValueNode()) {
                return null;
            }
            values.add(value.asText());
        }
        return String.join(separator, values);
    }

    /**
     * Records with the unwrapped object's fields as columns of their own, named by their labels, in a stable order:
     * with the field list's types, the first record is preceded by the columns of every field the API lists (the
     * record's own top-level columns first), so that the columns and their order come from the field list, not from
     * whichever record came first. A field whose type declares its columns (a user: displayName, accountId) gives
     * those, empty when the field is (an unassigned issue), and no others; a field without declared columns is one
     * column, or its nested values under its label ("Status.name") when its type is not known.
     */
    static final class StableColumns implements RecordSink {
        private final String prefix;
        private final FieldDiscovery.Fields fields;
        private final RecordSink sink;
        /** Each field's column name: its label, or its label and name when another column has that label. */
        private Map<String, String> baseNames;

        StableColumns(String unwrap, FieldDiscovery.Fields fields, RecordSink sink) {
            this.prefix = unwrap == null ? null : unwrap + ".";
            this.fields = fields;
            this.sink = sink;
        }

        @Override
        public void accept(Map<String, Object> record) {
            if (prefix == null) {
                sink.accept(record);
                return;
            }
            Map<String, Object> out = new LinkedHashMap<>();
            record.forEach((key, value) -> {
                if (!key.startsWith(prefix)) {
                    out.put(key, value);
                }
            });
            if (baseNames == null) {
                baseNames = fields.announced().isEmpty() ? Map.of() : baseNames(out.keySet());
                if (!fields.announced().isEmpty()) {
                    List<String> announced = new java.util.ArrayList<>(out.keySet());
                    for (String field : fields.announced()) {
                        List<String> sub = fields.columns().getOrDefault(field, List.of());
                        if (sub.isEmpty()) {
                            announced.add(baseNames.get(field));
                        } else {
                            sub.forEach(column -> announced.add(baseNames.get(field) + "." + column));
                        }
                    }
                    sink.accept(io.rowflow.pipeline.ColumnsAnnouncement.of(announced));
                }
            }
            record.forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    String field = key.substring(prefix.length());
                    // A nested value (Jira's status.name) keeps its path under the field's label: "Status.name".
                    int dot = field.indexOf('.');
                    String head = dot < 0 ? field : field.substring(0, dot);
                    String rest = dot < 0 ? "" : field.substring(dot + 1);
                    List<String> sub = fields.columns().getOrDefault(head, List.of());
                    String base = baseNames.get(head);
                    if (base == null) {
                        // Not in the field list: named as it comes, its label taken by another column keeps its name.
                        String label = fields.labels().getOrDefault(head, head) + (dot < 0 ? "" : field.substring(dot));
                        out.put(out.containsKey(label) ? label + " (" + field + ")" : label, dot < 0
                                ? labelled(head, value) : value);
                    } else if (sub.isEmpty()) {
                        out.put(rest.isEmpty() ? base : base + "." + rest, rest.isEmpty() ? labelled(head, value)
                                : value);
                    } else if (sub.contains(rest)) {
                        out.put(base + "." + rest, value);
                    }
                    // A field with declared columns: the empty field itself and its other nested values have none.
                }
            });
            sink.accept(out);
        }

        /**
         * A field's value with its options' labels in place of their ids (the field list's {@code options}): one id
         * (27 → "Website"), or several, as a list or as text with commas, joined by ",". Anything else, or an id the
         * list does not name, stays as it came.
         */
        private Object labelled(String field, Object value) {
            Map<String, String> options = fields.options().get(field);
            if (options == null || options.isEmpty() || value == null) {
                return value;
            }
            List<String> ids = new java.util.ArrayList<>();
            if (value instanceof io.rowflow.pipeline.JsonText list) {
                try {
                    com.fasterxml.jackson.databind.JsonNode items = JSON.readTree(list.json());
                    if (!items.isArray()) {
                        return value;
                    }
                    for (com.fasterxml.jackson.databind.JsonNode item : items) {
                        if (!item.isValueNode() || item.isNull()) {
                            return value;
                        }
                        ids.add(item.asText());
                    }
                } catch (java.io.IOException unreadable) {
                    return value;
                }
            } else if (value instanceof java.math.BigDecimal number) {
                ids.add(number.stripTrailingZeros().toPlainString());
            } else if (value instanceof String text) {
                ids.addAll(List.of(text.split("\\s*,\\s*")));
            } else {
                ids.add(value.toString());
            }
            if (ids.isEmpty() || !ids.stream().allMatch(options::containsKey)) {
                return value;
            }
            return String.join(",", ids.stream().map(options::get).toList());
        }

        /** Column names for the listed fields: labels, two fields with one label (or a top-level name) told apart. */
        private Map<String, String> baseNames(java.util.Set<String> topLevel) {
            Map<String, String> names = new LinkedHashMap<>();
            java.util.Set<String> taken = new java.util.HashSet<>(topLevel);
            for (String field : fields.names()) {
                String label = fields.labels().getOrDefault(field, field);
                String name = taken.contains(label) ? label + " (" + field + ")" : label;
                taken.add(name);
                names.put(field, name);
            }
            return names;
        }
    }

    /**
     * Rich text in Atlassian Document Format (flattened as {@code x.type = "doc"}, {@code x.version},
     * {@code x.content}) as one column {@code x}: its plain text, or with {@code as: json} the document's JSON.
     */
    static RecordSink documents(JsonNode documents, JsonNode config, RecordSink sink) {
        if (documents == null) {
            return sink;
        }
        String as = Templates.config(documents.path("as").asText("text"), config).strip();
        boolean json = as.equals("json");
        return record -> {
            List<String> found = null;
            for (Map.Entry<String, Object> e : record.entrySet()) {
                if (e.getKey().endsWith(".type") && "doc".equals(e.getValue())) {
                    String at = e.getKey().substring(0, e.getKey().length() - 5);
                    if (io.rowflow.connector.adf.AdfText.isDocument("doc", record.get(at + ".version"),
                            record.get(at + ".content"))) {
                        if (found == null) {
                            found = new java.util.ArrayList<>();
                        }
                        found.add(at);
                    }
                }
            }
            if (found == null) {
                sink.accept(record);
                return;
            }
            List<String> documentsAt = found;
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : record.entrySet()) {
                String key = e.getKey();
                String doc = documentsAt.stream().filter(at -> key.equals(at + ".type") || key.equals(at + ".version")
                        || key.equals(at + ".content")).findFirst().orElse(null);
                if (doc == null) {
                    out.put(key, e.getValue());
                } else if (!out.containsKey(doc)) {
                    Object content = record.get(doc + ".content");
                    String document = "{\"type\":\"doc\",\"version\":" + record.get(doc + ".version")
                            + ",\"content\":" + (content instanceof io.rowflow.pipeline.JsonText text ? text.json()
                                    : "[]") + "}";
                    out.put(doc, json ? new io.rowflow.pipeline.JsonText(document)
                            : io.rowflow.connector.adf.AdfText.of(document));
                }
            }
            sink.accept(out);
        };
    }
}
