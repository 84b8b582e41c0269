package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.http.Origin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Connection types that no source owns, declared in YAML: every {@value #RESOURCE} on the class path holds a list of
 * them (the application's own, and a plug-in's or a test's beside it). Each entry:
 * <pre>
 * - id: test-vault            # stable: connections store it
 *   name: Test Vault
 *   category: files
 *   auth: key                 # none | key | oauth
 *   brand_color: "#2F6F4E"    # optional, with monogram
 *   monogram: TV
 *   origin_setting: baseUrl   # optional: the setting whose URL's origin the secrets are bound to
 *   spec: {JSON Schema of the settings; writeOnly properties are secrets}
 *   oauth: {authorize_url, token_url, pkce, client_auth, extra_authorize_params}   # with auth: oauth
 *   scopes: [...]
 * </pre>
 * A mistake in an entry fails start-up, naming the file and the entry.
 */
public final class DeclaredConnectionTypes {
    public static final String RESOURCE = "rowflow/connection-types.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> AUTH = Set.of("none", "key", "oauth");

    private DeclaredConnectionTypes() {
    }

    /** Every declared type on the class path. */
    public static List<ConnectionType> load() {
        List<ConnectionType> types = new ArrayList<>();
        try {
            for (URL file : Collections.list(DeclaredConnectionTypes.class.getClassLoader().getResources(RESOURCE))) {
                try (InputStream in = file.openStream()) {
                    JsonNode entries = YAML.readTree(in);
                    for (int i = 0; entries != null && i < entries.size(); i++) {
                        types.add(declared(entries.get(i), file + " entry " + (i + 1)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + RESOURCE, e);
        }
        return types;
    }

    static Declared declared(JsonNode entry, String where) {
        for (String field : List.of("id", "name", "category", "auth")) {
            if (!entry.path(field).isTextual() || entry.get(field).asText().isBlank()) {
                throw new IllegalStateException(where + ": \"" + field + "\" is required");
            }
        }
        String auth = entry.get("auth").asText();
        if (!AUTH.contains(auth)) {
            throw new IllegalStateException(where + ": auth is one of " + AUTH + ", not \"" + auth + "\"");
        }
        if (!entry.path("spec").isObject()) {
            throw new IllegalStateException(where + ": \"spec\" is the JSON Schema of the settings");
        }
        if (auth.equals("oauth") && !entry.path("oauth").isObject()) {
            throw new IllegalStateException(where + ": a type with auth: oauth declares its \"oauth\" endpoints");
        }
        List<String> scopes = new ArrayList<>();
        entry.path("scopes").forEach(s -> scopes.add(s.asText()));
        ConfigSchema schema = ConfigSchema.of(entry.get("spec"));
        ConnectorDescriptor descriptor = new ConnectorDescriptor(entry.get("id").asText(), entry.get("name").asText(),
                entry.get("category").asText(), auth, schema.document(), List.of(), List.of(), auth.equals("oauth"), false,
                entry.path("brand_color").asText(null), entry.path("monogram").asText(null));
        return new Declared(descriptor, schema, entry.path("origin_setting").asText(null),
                auth.equals("oauth") ? entry.get("oauth") : null, List.copyOf(scopes));
    }

    /** A connection type as its YAML entry declares it. */
    record Declared(ConnectorDescriptor descriptor, ConfigSchema schema, String originSetting, JsonNode oauthBlock,
            List<String> oauthScopes) implements ConnectionType, OAuthSignIn {
        @Override
        public Optional<Origin> origin(JsonNode config) {
            return originSetting == null || config == null ? Optional.empty()
                    : Origin.parse(config.path(originSetting).asText(null));
        }

        @Override
        public Optional<JsonNode> oauth() {
            return Optional.ofNullable(oauthBlock);
        }
    }
}
