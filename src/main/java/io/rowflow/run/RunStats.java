package io.rowflow.run;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Rows read per source and written per destination; stored as JSON with the run. */
public record RunStats(List<SourceStats> sources, List<DestinationStats> destinations) {
    public static RunStats empty() {
        return new RunStats(new ArrayList<>(), new ArrayList<>());
    }

    public record SourceStats(int index, UUID connectionId, String connectorId, long rowsRead) {
    }

    /** {@code apiCalls}: requests made to the destination's API (null for files). */
    public record DestinationStats(int index, String type, long rowsWritten, Long apiCalls) {
    }
}
