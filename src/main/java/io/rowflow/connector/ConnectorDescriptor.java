package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.writer.WriterDescriptor;
import java.util.List;

/**
 * What the catalog says about a connector: its stable id, how it authenticates, and the JSON Schema of its settings.
 * Properties marked {@code "writeOnly": true} in the schema are secrets: stored encrypted, never returned.
 * {@code incrementalStreams} can be read with {@code "sync": "incremental"}; {@code oauthSignIn} says that
 * {@code GET /api/v1/oauth/{id}/authorize} can connect it, and {@code oauthSignInSetUp} that this server holds the
 * OAuth client it needs (without it, the connector's own settings are the way in: a key, a token, a service account).
 * {@code brandColor} ({@code #RRGGBB}) and {@code monogram} (one to three characters) draw the app's tile in the UI, a
 * plain mark of Rowflow's rather than the app's artwork. They are data: a declarative connector's {@code metadata.yaml}
 * ({@code brand_color}, {@code monogram}), else the {@value #BRAND_COLOR} and {@value #MONOGRAM} keywords at the top of
 * the connector's settings schema (beside {@code x-flow-parameters}). Either is null when the connector gives none; the
 * UI then derives a colour from the id and letters from the name. {@code pickers} are the settings picked from what a
 * connection's account lists (an Airtable base, then its table), served as a destination's are (see
 * {@link WriterDescriptor.Picker}) at /api/v1/connectors/{id}/pickers/{setting}.
 */
public record ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
        List<String> streams, List<String> incrementalStreams, boolean oauthSignIn, boolean oauthSignInSetUp,
        String brandColor, String monogram, List<String> settingsBeforeSignIn, List<WriterDescriptor.Picker> pickers) {
    public ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
            List<String> streams, List<String> incrementalStreams, boolean oauthSignIn, boolean oauthSignInSetUp,
            String brandColor, String monogram, List<String> settingsBeforeSignIn) {
        this(id, name, category, authType, configSchema, streams, incrementalStreams, oauthSignIn, oauthSignInSetUp,
                brandColor, monogram, settingsBeforeSignIn, List.of());
    }

    public ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
            List<String> streams, List<String> incrementalStreams, boolean oauthSignIn, boolean oauthSignInSetUp,
            String brandColor, String monogram) {
        this(id, name, category, authType, configSchema, streams, incrementalStreams, oauthSignIn, oauthSignInSetUp,
                brandColor, monogram, List.of());
    }

    /** The settings schema's keyword for the tile's colour, {@code #RRGGBB}. */
    public static final String BRAND_COLOR = "x-brand-color";
    /** The settings schema's keyword for the tile's letters. */
    public static final String MONOGRAM = "x-monogram";

    public ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
            List<String> streams) {
        this(id, name, category, authType, configSchema, streams, List.of(), false);
    }

    public ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
            List<String> streams, List<String> incrementalStreams, boolean oauthSignIn) {
        this(id, name, category, authType, configSchema, streams, incrementalStreams, oauthSignIn, false);
    }

    public ConnectorDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
            List<String> streams, List<String> incrementalStreams, boolean oauthSignIn, boolean oauthSignInSetUp) {
        this(id, name, category, authType, configSchema, streams, incrementalStreams, oauthSignIn, oauthSignInSetUp,
                textAt(configSchema, BRAND_COLOR), textAt(configSchema, MONOGRAM));
    }

    private static String textAt(JsonNode schema, String keyword) {
        return schema != null && schema.path(keyword).isTextual() ? schema.get(keyword).asText() : null;
    }

    /** The same, saying whether the server holds the connector's OAuth client. */
    public ConnectorDescriptor withSignInSetUp(boolean setUp) {
        return new ConnectorDescriptor(id, name, category, authType, configSchema, streams, incrementalStreams,
                oauthSignIn, oauthSignIn && setUp, brandColor, monogram, settingsBeforeSignIn, pickers);
    }

    /** The same, with the app's tile: its brand colour ({@code #RRGGBB}) and monogram, each null for none. */
    public ConnectorDescriptor withBrand(String color, String letters) {
        return new ConnectorDescriptor(id, name, category, authType, configSchema, streams, incrementalStreams,
                oauthSignIn, oauthSignInSetUp, color, letters, settingsBeforeSignIn, pickers);
    }

    /**
     * The same, naming the settings its sign-in addresses are made from (a Shopify shop): the connect dialog asks for
     * them before it opens the provider's page, and sends them as parameters of the authorize request.
     */
    public ConnectorDescriptor withSettingsBeforeSignIn(List<String> names) {
        return new ConnectorDescriptor(id, name, category, authType, configSchema, streams, incrementalStreams,
                oauthSignIn, oauthSignInSetUp, brandColor, monogram, List.copyOf(names), pickers);
    }

    /** The same, with pickers for these settings (in the order the UI shows them). */
    public ConnectorDescriptor withPickers(List<WriterDescriptor.Picker> list) {
        return new ConnectorDescriptor(id, name, category, authType, configSchema, streams, incrementalStreams,
                oauthSignIn, oauthSignInSetUp, brandColor, monogram, settingsBeforeSignIn, List.copyOf(list));
    }
}
