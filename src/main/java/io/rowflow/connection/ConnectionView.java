package io.rowflow.connection;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A connection as the API shows it. Secrets are write-only: {@code config} never holds them, and
 * {@code secretFields} only names the ones that are set.
 */
public record ConnectionView(UUID id, String name, String connectorId, JsonNode config, List<String> secretFields,
        boolean shared, UUID createdBy, Instant createdAt, Instant updatedAt, String authStatus, LastCheck lastCheck) {

    /**
     * How the newest check or read through the connection went (a Test, a preview or a run reading it): null before
     * the first, and again after its settings change. {@code message} says why when it failed.
     */
    public record LastCheck(boolean ok, String message, Instant at) {
    }
}
