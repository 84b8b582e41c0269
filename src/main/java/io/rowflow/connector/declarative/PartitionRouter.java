package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.pipeline.RecordSink;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A stream read once per record of its parent stream (sprints per board, worklogs per issue), or once per value a
 * connection's settings list (Slack's chosen channels), as a manifest's {@code partition} says: the parent's value at
 * {@code field} (or the listed value) fills {@code {{partition}}} in the path and parameters and is added as the
 * {@code column}. The parent is read with {@code parentParams} in place of its own (only the field asked for); a
 * parent that answers one of {@code skipStatus} has nothing of this stream (a Kanban board has no sprints) and is
 * skipped. {@code values} is the settings' comma-separated list (a template), null when a parent gives the values.
 */
record PartitionRouter(String parent, String field, String column, Map<String, String> parentParams,
        Set<Integer> skipStatus, String values) {

    static PartitionRouter of(JsonNode partition) {
        Map<String, String> params = new LinkedHashMap<>();
        partition.path("params").fields().forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
        Set<Integer> skip = new java.util.HashSet<>();
        partition.path("skip_status").forEach(status -> skip.add(status.asInt()));
        return new PartitionRouter(partition.path("stream").asText(null), partition.path("field").asText(null),
                partition.get("column").asText(), params, skip, partition.path("values").asText(null));
    }

    /**
     * Reads the parent for its values (each once, in the order read), then the stream for each value, its records
     * with the value as a column before their own.
     */
    void read(Consumer<RecordSink> readParent, BiConsumer<String, RecordSink> readPartition, RecordSink sink) {
        Set<String> values = new LinkedHashSet<>();
        readParent.accept(record -> {
            Object value = record.get(field);
            if (value != null) {
                values.add(value.toString());
            }
        });
        readEach(values, readPartition, sink);
    }

    /**
     * Reads the stream once per value the settings list ({@code values} filled in: "C0123, C0456"), each once, in
     * their order. A list left empty is a clear error: the read would otherwise succeed with nothing.
     */
    void readListed(JsonNode config, BiConsumer<String, RecordSink> readPartition, RecordSink sink) {
        Set<String> listed = new LinkedHashSet<>();
        for (String value : Templates.config(values, config).split(",")) {
            if (!value.isBlank()) {
                listed.add(value.strip());
            }
        }
        if (listed.isEmpty()) {
            throw new io.rowflow.common.error.DataException("Nothing to read: the settings name no " + column
                    + " (a comma-separated list)");
        }
        readEach(listed, readPartition, sink);
    }

    private void readEach(Set<String> values, BiConsumer<String, RecordSink> readPartition, RecordSink sink) {
        for (String value : values) {
            try {
                readPartition.accept(value, record -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put(column, value);
                    record.forEach(out::putIfAbsent);
                    sink.accept(out);
                });
            } catch (UpstreamException e) {
                if (!skipStatus.contains(e.status())) {
                    throw e;
                }
            }
        }
    }
}
