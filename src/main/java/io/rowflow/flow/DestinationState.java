package io.rowflow.flow;

import io.rowflow.writer.DestinationLink;
import java.time.Instant;
import java.util.UUID;

/**
 * A flow's destination as its page shows it: its kind in words, where to open it (absent when there is nowhere yet),
 * and what the newest successful run wrote to it (absent before one).
 */
public record DestinationState(int index, String type, String name, DestinationLink link, Long rowsWritten,
        Instant writtenAt, UUID runId) {
}
