package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.http.Origin;
import java.util.Optional;

/**
 * What a connection is: an account or endpoint with its settings, its secrets and the way it signs in (a key, nothing,
 * or OAuth when it also implements {@link OAuthSignIn}). Sources and destinations name the connection type they read
 * or write through, so one account serves several of them (a Google account: the Sheets source, the Sheets
 * destination, next BigQuery). A source connector is its own connection type unless it names another; a type no
 * source owns is declared in YAML ({@link DeclaredConnectionTypes}). Found by {@link ConnectionTypeRegistry} through the
 * stable id of its descriptor, which connections store.
 */
public interface ConnectionType {
    /** The catalog's words on the type: id, name, category, how it signs in, its settings' JSON Schema, its mark. */
    ConnectorDescriptor descriptor();

    /** The JSON Schema of a connection's settings; {@code writeOnly} properties are secrets. */
    ConfigSchema schema();

    /**
     * Where these settings send the connection's credentials, when the settings decide it (a URL, a site name); empty
     * when the type always talks to the same place. Secrets are bound to it: a changed origin needs them again.
     */
    default Optional<Origin> origin(JsonNode config) {
        return Optional.empty();
    }
}
