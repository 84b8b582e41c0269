package io.rowflow.writer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the catalog says about a destination kind: its stable id, the JSON Schema of its settings, and what the UI
 * needs to draw it without knowing it: the connection type it writes through ({@code connectionType}, null for none;
 * the settings then hold its {@code connectionId}), the file each write leaves to download ({@code file}, null for
 * none), the settings picked from lists its account offers ({@code pickers}), and whether it has secret addresses to
 * show ({@code publishesAddresses}: GET /api/v1/flows/{id}/destinations/{index}/publication).
 */
public record WriterDescriptor(String id, String name, String category, String authType, JsonNode configSchema,
        String connectionType, FileOutput file, List<Picker> pickers, boolean publishesAddresses) {

    public WriterDescriptor(String id, String name, String category, String authType, JsonNode configSchema) {
        this(id, name, category, authType, configSchema, null, null, List.of(), false);
    }

    /** The same, writing through connections of {@code type}. */
    public WriterDescriptor withConnectionType(String type) {
        return new WriterDescriptor(id, name, category, authType, configSchema, type, file, pickers, publishesAddresses);
    }

    /** The same, leaving a file to download after each write. */
    public WriterDescriptor withFile(FileOutput output) {
        return new WriterDescriptor(id, name, category, authType, configSchema, connectionType, output, pickers,
                publishesAddresses);
    }

    /** The same, with pickers for these settings (in the order the UI shows them). */
    public WriterDescriptor withPickers(List<Picker> list) {
        return new WriterDescriptor(id, name, category, authType, configSchema, connectionType, file, List.copyOf(list),
                publishesAddresses);
    }

    /** The same, with secret addresses of its own to show. */
    public WriterDescriptor withAddresses() {
        return new WriterDescriptor(id, name, category, authType, configSchema, connectionType, file, pickers, true);
    }

    /**
     * The file a write leaves in the destination's folder, served at GET /api/v1/flows/{id}/destinations/{index}/file
     * as {@code mediaType}, under the flow's name with {@code extension}; {@code linkLabel} is the link's words.
     */
    public record FileOutput(String fileName, String mediaType, String extension, String linkLabel) {
    }

    /**
     * A setting chosen from what the destination's connection offers: GET {@code endpoint}?connectionId=…, with the
     * values of the settings it {@code dependsOn} as further query parameters, answers the options
     * ({@link PickerOption}); when {@code creatable}, POST {@code endpoint} with {"connectionId", "title"} makes a new
     * one and answers it.
     */
    public record Picker(String setting, String title, List<String> dependsOn, boolean creatable, String endpoint) {
        public static Picker of(String writerId, String setting, String title, List<String> dependsOn, boolean creatable) {
            return new Picker(setting, title, List.copyOf(dependsOn), creatable,
                    "/api/v1/destinations/" + writerId + "/pickers/" + setting);
        }

        /** A source connector's picker (never creatable), served at /api/v1/connectors/{id}/pickers/{setting}. */
        public static Picker ofSource(String connectorId, String setting, String title, List<String> dependsOn) {
            return new Picker(setting, title, List.copyOf(dependsOn), false,
                    "/api/v1/connectors/" + connectorId + "/pickers/" + setting);
        }
    }
}
