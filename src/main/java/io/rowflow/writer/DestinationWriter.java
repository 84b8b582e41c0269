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

    WriteResult write(WriteContext context, StagedTable table) throws Exception;
}
