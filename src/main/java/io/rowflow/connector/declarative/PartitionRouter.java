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
 * A stream read once per record of its parent stream (sprints per board, worklogs per issue), as a manifest's
 * {@code partition} says: the parent's value at {@code field} fills the path's {@code {{partition}}} and is added as
 * the {@code column}. The parent is read with {@code parentParams} in place of its own (only the field asked for); a
 * parent that answers one of {@code skipStatus} has nothing of this stream (a Kanban board has no sprints) and is
 * skipped.
 */
record PartitionRouter(String parent, String field, String column, Map<String, String> parentParams,
        Set<Integer> skipStatus) {

    static PartitionRouter of(JsonNode partition) {
        Map<String, String> params = new LinkedHashMap<>();
        partition.path("params").fields().forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
        Set<Integer> skip = new java.util.HashSet<>();
        partition.path("skip_status").forEach(status -> skip.add(status.asInt()));
        return new PartitionRouter(partition.get("stream").asText(), partition.get("field").asText(),
                partition.get("column").asText(), params, skip);
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
