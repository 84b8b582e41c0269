package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.connector.json.ApiRequest;
import io.rowflow.connector.json.Requester;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stream's fields as the API lists them ({@code discover_fields}): their names (asked for), their labels (column
 * names) and the columns their types give, narrowed to the fields a connection picked.
 */
final class FieldDiscovery {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FieldDiscovery() {
    }

    /**
     * The fields the API lists for a stream, in its order: their names (asked for), labels (column names), and the
     * columns each gives ({@code columns}: the sub-fields its type declares, e.g. a user's displayName and
     * accountId; empty for a value that is its own column). {@code announced} are the fields the records carry.
     */
    record Fields(List<String> names, Map<String, String> labels, Map<String, List<String>> columns,
            List<String> announced, Map<String, Map<String, String>> options) {
        static final Fields NONE = new Fields(List.of(), Map.of(), Map.of(), List.of(), Map.of());

        Fields(List<String> names, Map<String, String> labels, Map<String, List<String>> columns,
                List<String> announced) {
            this(names, labels, columns, announced, Map.of());
        }

        /** These fields and one more, when the fields are named at all (none named asks the API for its defaults). */
        Fields with(String field) {
            if (names.isEmpty() || names.contains(field)) {
                return this;
            }
            List<String> more = new java.util.ArrayList<>(names);
            more.add(field);
            return new Fields(more, labels, columns, announced, options);
        }
    }

    /**
     * The stream's fields as the API lists them (custom ones included) in answer to {@code list}, with the labels people
     * know them by.
     */
    static Fields discover(Requester requester, ApiRequest list, JsonNode spec, JsonNode config,
            String connectorName) {
        JsonNode body = requester.send(list, response -> JSON.readTree(Requester.requireJson(response).stream()));
        JsonNode records = body;
        for (String part : spec.get("records").asText().split("\\.")) {
            if (!part.isEmpty()) {
                records = records.path(part);
            }
        }
        List<String> names = new java.util.ArrayList<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, List<String>> columns = new LinkedHashMap<>();
        List<String> returned = new java.util.ArrayList<>();
        String labelField = spec.hasNonNull("label") ? spec.get("label").asText() : null;
        JsonNode byType = spec.path("columns_by_type");
        // Each field's options, id → label, where the list names them (Pipedrive's enum and set fields).
        Map<String, Map<String, String>> options = new LinkedHashMap<>();
        JsonNode optionSpec = spec.get("options");
        for (JsonNode field : records) {
            String name = field.path(spec.get("name").asText()).asText();
            if (!name.isEmpty()) {
                names.add(name);
                if (labelField != null && !field.path(labelField).asText().isBlank()) {
                    labels.put(name, field.path(labelField).asText().strip());
                }
                List<String> sub = new java.util.ArrayList<>();
                if (spec.hasNonNull("type")) {
                    byType.path(at(field, spec.get("type").asText()).asText()).forEach(c -> sub.add(c.asText()));
                }
                columns.put(name, List.copyOf(sub));
                if (optionSpec != null && at(field, optionSpec.get("path").asText()).isArray()) {
                    Map<String, String> byId = new LinkedHashMap<>();
                    for (JsonNode option : at(field, optionSpec.get("path").asText())) {
                        JsonNode id = at(option, optionSpec.get("id").asText());
                        JsonNode label = at(option, optionSpec.get("label").asText());
                        if (id.isValueNode() && !id.isNull() && label.isValueNode() && !label.isNull()) {
                            byId.put(id.asText(), label.asText());
                        }
                    }
                    options.put(name, Map.copyOf(byId));
                }
                // A field the API never puts in a record (Jira's non-navigable ones) gets no column.
                if (!spec.hasNonNull("returned") || at(field, spec.get("returned").asText()).asBoolean(true)) {
                    returned.add(name);
                }
            }
        }
        // A connection may pick some fields (by name or label): the others are not asked for.
        String picked = spec.hasNonNull("select") ? Templates.config(spec.get("select").asText(), config).strip() : "";
        if (!picked.isEmpty()) {
            List<String> chosen = new java.util.ArrayList<>();
            for (String wanted : picked.split("\\s*,\\s*")) {
                String name = names.contains(wanted) ? wanted : labels.entrySet().stream().filter(e -> e.getValue()
                        .equalsIgnoreCase(wanted)).map(Map.Entry::getKey).findFirst().orElse(null);
                if (name == null) {
                    throw new io.rowflow.common.error.DataException(connectorName + " has no field \"" + wanted
                            + "\" in this stream; it has " + names);
                }
                chosen.add(name);
            }
            names = chosen;
        }
        List<String> asked = names;
        // Without types the columns cannot be known before the records: they come as the records bring them.
        return spec.hasNonNull("type") ? new Fields(names, labels, columns, returned.stream().filter(asked::contains)
                .toList(), options) : new Fields(names, labels, Map.of(), List.of(), options);
    }

    /** The value at a dotted path in a JSON object ("schema.type"; empty: the object itself), missing where it is not. */
    static JsonNode at(JsonNode node, String path) {
        for (String part : path.split("\\.")) {
            if (!part.isEmpty()) {
                node = node.path(part);
            }
        }
        return node;
    }
}
