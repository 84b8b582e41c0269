package io.rowflow.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.digest.Digests;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.flow.FlowRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where the incremental sources of flows stopped. A run opens each one from its stored state and stores what it
 * reached only in the transaction that records its success, after every destination committed.
 */
@ApplicationScoped
public class SyncStates {
    private final EntityManager em;
    private final ObjectMapper mapper;

    public SyncStates(EntityManager em, ObjectMapper mapper) {
        this.em = em;
        this.mapper = mapper;
    }

    /** The read of source {@code index}: from where the last committed run stopped, or a first, full read. */
    public IncrementalSync open(UUID flowId, int index, FlowRequest.Source source) {
        SourceSyncStateEntity stored = em.find(SourceSyncStateEntity.class, new SourceSyncStateEntity.Key(flowId, index));
        if (stored == null || !stored.fingerprint.equals(fingerprint(source))) {
            return new IncrementalSync(null);
        }
        try {
            JsonNode json = mapper.readTree(stored.stateJson);
            Map<String, Instant> delivered = new HashMap<>();
            json.path("delivered").fields().forEachRemaining(e -> delivered.put(e.getKey(), Instant.parse(e.getValue()
                    .asText())));
            Map<String, Instant> deletions = new HashMap<>();
            json.path("deletionsReported").fields().forEachRemaining(e -> deletions.put(e.getKey(), Instant.parse(
                    e.getValue().asText())));
            return new IncrementalSync(new IncrementalSync.State(json.hasNonNull("newest")
                    ? Instant.parse(json.get("newest").asText()) : null, delivered, json.hasNonNull("newestDeletion")
                            ? Instant.parse(json.get("newestDeletion").asText()) : null, deletions));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores what the read reached; call it in the transaction that records the run's success. */
    public void save(UUID flowId, int index, FlowRequest.Source source, IncrementalSync sync, UUID runId) {
        IncrementalSync.State state = sync.state();
        ObjectNode json = mapper.createObjectNode();
        json.put("newest", state.newest() == null ? null : state.newest().toString());
        ObjectNode delivered = json.putObject("delivered");
        state.delivered().forEach((key, at) -> delivered.put(key, at.toString()));
        if (state.newestDeletion() != null) {
            json.put("newestDeletion", state.newestDeletion().toString());
            ObjectNode deletions = json.putObject("deletionsReported");
            state.deletionsReported().forEach((key, at) -> deletions.put(key, at.toString()));
        }
        SourceSyncStateEntity stored = em.find(SourceSyncStateEntity.class, new SourceSyncStateEntity.Key(flowId, index));
        boolean first = stored == null;
        if (first) {
            stored = new SourceSyncStateEntity();
            stored.flowId = flowId;
            stored.sourceIndex = index;
        }
        stored.fingerprint = fingerprint(source);
        stored.stateJson = json.toString();
        stored.runId = runId;
        stored.updatedAt = Instant.now();
        if (first) {
            em.persist(stored);
        }
    }

    /** Forgets where the flow's sources stopped: its next run reads them in full. */
    public int reset(UUID flowId) {
        return em.createQuery("delete from SourceSyncStateEntity s where s.flowId = :flow").setParameter("flow", flowId)
                .executeUpdate();
    }

    /** What identifies a source's data: another connection, stream or settings is another data set. */
    static String fingerprint(FlowRequest.Source source) {
        return Digests.sha256(source.connectionId() + "\n" + source.stream() + "\n" + (source.parameters() == null ? "{}"
                : source.parameters().toString()));
    }
}
