package io.rowflow.writer;

import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.pipeline.StagedTable;

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

    /** The connection the destination writes through, if it needs one (a flow cannot outlive it). */
    default java.util.Optional<java.util.UUID> connectionId(com.fasterxml.jackson.databind.JsonNode settings) {
        return java.util.Optional.empty();
    }

    /** Where a user opens what this destination holds, if there is such a place yet. */
    default java.util.Optional<DestinationLink> link(DestinationLink.Request request) {
        return java.util.Optional.empty();
    }

    WriteResult write(WriteContext context, StagedTable table) throws Exception;
}
