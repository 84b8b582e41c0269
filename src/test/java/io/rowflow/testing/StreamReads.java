package io.rowflow.testing;

import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.connection.ConnectionEntity;
import io.rowflow.connection.ConnectionService;
import io.rowflow.connector.ConnectorRegistry;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.pipeline.ColumnsAnnouncement;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads a stream through its connector as a run does (the connection's settings and tokens, the request budget), and
 * keeps every record: what the connector emits, before staging, so values are compared as the API gave them.
 */
public final class StreamReads {
    private StreamReads() {
    }

    /** A connection's connector and its context, as a run opens them (one read of the connection). */
    private record Opened(SourceConnector connector, SourceContext context) {
    }

    private static Opened open(String connectionId, String stream, IncrementalSync sync) {
        return QuarkusTransaction.requiringNew().call(() -> {
            ConnectionEntity entity = Arc.container().instance(EntityManager.class).get().find(ConnectionEntity.class,
                    UUID.fromString(connectionId));
            SourceContext context = Arc.container().instance(ConnectionService.class).get().sourceContext(entity, null);
            return new Opened(Arc.container().instance(ConnectorRegistry.class).get().require(entity.connectorId,
                    "connector"), context.withStream(stream).withSync(sync));
        });
    }

    /** Every record of the stream; {@code sync} null for a full read, else an incremental one from its state. */
    public static List<Map<String, Object>> read(String connectionId, String stream, IncrementalSync sync) {
        Opened opened = open(connectionId, stream, sync);
        List<Map<String, Object>> records = new ArrayList<>();
        opened.connector().read(opened.context(), record -> {
            if (!(record instanceof ColumnsAnnouncement)) {
                records.add(record);
            }
        });
        return records;
    }

    /** The records the stream says were deleted since {@code sync}'s state, after {@link #read} with the same sync. */
    public static List<Map<String, Object>> readDeletions(String connectionId, String stream, IncrementalSync sync) {
        Opened opened = open(connectionId, stream, sync);
        List<Map<String, Object>> records = new ArrayList<>();
        opened.connector().readDeletions(opened.context(), records::add);
        return records;
    }

    /** The columns the stream announces before its records (in full read), in their order; empty if it does not. */
    public static List<String> announcedColumns(String connectionId, String stream) {
        SourceContext context = QuarkusTransaction.requiringNew().call(() -> {
            EntityManager em = Arc.container().instance(EntityManager.class).get();
            ConnectionEntity entity = em.find(ConnectionEntity.class, UUID.fromString(connectionId));
            return Arc.container().instance(ConnectionService.class).get().sourceContext(entity, null);
        });
        SourceConnector connector = Arc.container().instance(ConnectorRegistry.class).get().require(
                QuarkusTransaction.requiringNew().call(() -> Arc.container().instance(EntityManager.class).get()
                        .find(ConnectionEntity.class, UUID.fromString(connectionId)).connectorId), "connector");
        List<String> columns = new ArrayList<>();
        connector.read(context.withStream(stream), record -> {
            if (record instanceof ColumnsAnnouncement announced && columns.isEmpty()) {
                columns.addAll(announced.keySet());
            }
        });
        return columns;
    }

    /** The records by key, the later ones replacing earlier ones with the same key (as an upsert would). */
    public static Map<Object, Map<String, Object>> byKey(List<Map<String, Object>> records, Function<Map<String, Object>, Object> key) {
        Map<Object, Map<String, Object>> out = new LinkedHashMap<>();
        records.forEach(r -> out.put(key.apply(r), r));
        return out;
    }

    /**
     * The check every incremental stream must pass: a first read (full), the changes made by {@code change}, a second
     * read that returns exactly the changed records, and the union of both reads equal to a full read done now.
     */
    public static void assertTwoReads(String connectionId, String stream, String keyColumn, Runnable change,
            List<String> changedKeys) {
        assertTwoReads(stream, sync -> read(connectionId, stream, sync), keyColumn, change, changedKeys);
    }

    /** The two reads {@link #assertTwoReads} made, for what a test checks beyond them; {@code first} gave its state. */
    public record TwoReads(List<Map<String, Object>> firstRead, List<Map<String, Object>> secondRead,
            IncrementalSync first) {
    }

    /**
     * {@link #assertTwoReads(String, String, String, Runnable, List)} with any way of reading ({@code read} with a
     * sync, or null for a full read), for sources tested without a connection (against a fake API directly).
     */
    public static TwoReads assertTwoReads(String stream, Function<IncrementalSync, List<Map<String, Object>>> read,
            String keyColumn, Runnable change, List<String> changedKeys) {
        IncrementalSync first = new IncrementalSync(null);
        List<Map<String, Object>> firstRead = read.apply(first);
        org.assertj.core.api.Assertions.assertThat(firstRead).as("first read of %s", stream).isNotEmpty();
        change.run();
        IncrementalSync second = new IncrementalSync(first.state());
        List<Map<String, Object>> secondRead = read.apply(second);
        org.assertj.core.api.Assertions.assertThat(secondRead).as("second read of %s: only the changed records", stream)
                .extracting(r -> String.valueOf(r.get(keyColumn))).containsExactlyInAnyOrderElementsOf(changedKeys);
        Map<Object, Map<String, Object>> union = byKey(firstRead, r -> r.get(keyColumn));
        union.putAll(byKey(secondRead, r -> r.get(keyColumn)));
        Map<Object, Map<String, Object>> full = byKey(read.apply(null), r -> r.get(keyColumn));
        org.assertj.core.api.Assertions.assertThat(union).as("first and second read of %s together", stream)
                .containsExactlyInAnyOrderEntriesOf(full);
        // A third read with nothing changed returns nothing.
        org.assertj.core.api.Assertions.assertThat(read.apply(new IncrementalSync(second.state())))
                .as("third read of %s, nothing changed", stream).isEmpty();
        return new TwoReads(firstRead, secondRead, first);
    }
}
