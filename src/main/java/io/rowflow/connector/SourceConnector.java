package io.rowflow.connector;

import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;

/**
 * A kind of source Rowflow can read from. Implementations are CDI beans found by {@link ConnectorRegistry} through
 * their stable {@link ConnectorDescriptor#id()}.
 */
public interface SourceConnector extends ConnectionType {
    /**
     * The connection type this source reads through: its own id (the source is then that connection type too), or
     * another type's, to share an account with other sources and destinations.
     */
    default String connectionType() {
        return descriptor().id();
    }

    /** How the types of this source's text values are decided. */
    TextInference textInference();

    /** Whether the stream can be read incrementally (only what changed since the last run). */
    default boolean incremental(String stream) {
        return false;
    }

    /**
     * Whether an incremental read of the stream can also tell which records were deleted since the last one (see
     * {@link #readDeletions}).
     */
    default boolean listsDeletions(String stream) {
        return false;
    }

    /**
     * Emits the records deleted since the last committed read of {@code context.sync()}, shaped as {@link #read} shapes
     * the stream's records (at least their key); called after {@link #read} with the same context, which may have
     * learnt of deletions itself (records merged away). Nothing for a first, full read.
     */
    default void readDeletions(SourceContext context, RecordSink sink) {
    }


    /**
     * The options of the picker for {@code setting} (one of {@code descriptor().pickers()}), listed with the
     * connection's credentials ({@code context}); {@code values} are the settings it depends on, by name.
     */
    default java.util.List<io.rowflow.writer.PickerOption> options(String setting, SourceContext context,
            java.util.Map<String, String> values) {
        throw new io.rowflow.common.error.NotFoundException(descriptor().name() + " has no picker for \"" + setting
                + "\"");
    }

    /** Emits every record of the source into the sink, in order; stops early if the sink throws StopReading. */
    void read(SourceContext context, RecordSink sink);
}
