package io.rowflow.writer;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.pipeline.StagedTable;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A kind of destination Rowflow writes to. Implementations are CDI beans found by {@link WriterRegistry} through their
 * stable {@link WriterDescriptor#id()}. A writer checks every limit it knows before it changes anything, and leaves the
 * destination as it was when it fails.
 */
public interface DestinationWriter {
    WriterDescriptor descriptor();

    /** The JSON Schema of this destination's settings. */
    ConfigSchema schema();

    /**
     * Whether writing with these settings keeps the rows already there (appends or updates by key), as a source read
     * incrementally needs: replacing them with only what changed would lose the rest.
     */
    default boolean keepsEarlierRows(com.fasterxml.jackson.databind.JsonNode settings) {
        String mode = settings == null ? "" : settings.path("mode").asText("");
        return mode.equals("append") || mode.equals("upsert");
    }

    /**
     * Whether writing with these settings updates rows by key, so that records the source says were deleted
     * ({@link WriteContext#deleted()}) are removed; an appending destination keeps its history.
     */
    default boolean removesByKey(com.fasterxml.jackson.databind.JsonNode settings) {
        return settings != null && settings.path("mode").asText("").equals("upsert");
    }

    /** Checks of the settings beyond their schema (a connection they name, for instance); empty when fine. */
    default java.util.List<io.rowflow.common.error.FieldError> check(com.fasterxml.jackson.databind.JsonNode settings,
            String field) {
        return java.util.List.of();
    }

    /**
     * The connection the destination writes through: its settings' {@code connectionId} when its descriptor names a
     * connection type (a flow cannot outlive it).
     */
    default Optional<UUID> connectionId(JsonNode settings) {
        if (descriptor().connectionType() == null || settings == null || !settings.hasNonNull("connectionId")) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(settings.get("connectionId").asText()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Where a user opens what this destination holds, if there is such a place yet: by default the file its descriptor
     * says each write leaves, once there is one.
     */
    default Optional<DestinationLink> link(DestinationLink.Request request) {
        WriterDescriptor.FileOutput file = descriptor().file();
        if (file == null || !java.nio.file.Files.exists(request.folder().resolve(file.fileName()))) {
            return Optional.empty();
        }
        return Optional.of(new DestinationLink("/api/v1/flows/" + request.flowId() + "/destinations/" + request.index()
                + "/file", file.linkLabel()));
    }

    /** The options of the picker for {@code setting} (one its descriptor declares). */
    default List<PickerOption> options(String setting, PickerRequest request) {
        throw new io.rowflow.common.error.NotFoundException(descriptor().name() + " has no picker for \"" + setting + "\"");
    }

    /** Makes a new choice for a creatable picker (a new spreadsheet) and answers it. */
    default PickerOption create(String setting, PickerRequest request, String title) {
        throw new io.rowflow.common.error.NotFoundException(descriptor().name() + " cannot create a \"" + setting + "\"");
    }

    WriteResult write(WriteContext context, StagedTable table) throws Exception;
}
