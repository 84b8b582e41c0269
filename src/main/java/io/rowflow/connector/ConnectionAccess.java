package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * A connection as an extension uses it, resolved by the layer above: its id, its settings with the secrets decrypted,
 * and its OAuth tokens when it signed in (null for a key or a service account). Writers and pickers get it handed in;
 * they never look connections up themselves.
 */
public record ConnectionAccess(UUID connectionId, JsonNode settings, AccessTokens tokens) {
}
