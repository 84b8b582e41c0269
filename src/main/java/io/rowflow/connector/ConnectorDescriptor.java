package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the catalog says about a connector: its stable id, how it authenticates, and the JSON Schema of its settings.
 * Properties marked {@code "writeOnly": true} in the schema are secrets: stored encrypted, never returned.
 * {@code incrementalStreams} can be read with {@code "sync": "incremental"}; {@code oauthSignIn} says that
 * {@code GET /api/v1/oauth/{id}/authorize} can connect it.
 */
public record ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
        List<String> streams, List<String> incrementalStreams, boolean oauthSignIn) {
    public ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
            List<String> streams) {
        this(id, name, category, authType, configSchema, streams, List.of(), false);
    }
}
