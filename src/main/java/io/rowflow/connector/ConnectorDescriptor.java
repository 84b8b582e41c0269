package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the catalog says about a connector: its stable id, how it authenticates, and the JSON Schema of its settings.
 * Properties marked {@code "writeOnly": true} in the schema are secrets: stored encrypted, never returned.
 * {@code incrementalStreams} can be read with {@code "sync": "incremental"}; {@code oauthSignIn} says that
 * {@code GET /api/v1/oauth/{id}/authorize} can connect it, and {@code oauthSignInSetUp} that this server holds the
 * OAuth client it needs (without it, the connector's own settings are the way in: a key, a token, a service account).
 */
public record ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
        List<String> streams, List<String> incrementalStreams, boolean oauthSignIn, boolean oauthSignInSetUp) {
    public ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
            List<String> streams) {
        this(id, name, category, authType, configSchema, streams, List.of(), false);
    }

    public ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
            List<String> streams, List<String> incrementalStreams, boolean oauthSignIn) {
        this(id, name, category, authType, configSchema, streams, incrementalStreams, oauthSignIn, false);
    }

    /** The same, saying whether the server holds the connector's OAuth client. */
    public ConnectorDescriptor withSignInSetUp(boolean setUp) {
        return new ConnectorDescriptor(id, name, category, authType, configSchema, streams, incrementalStreams,
                oauthSignIn, oauthSignIn && setUp);
    }
}
