package io.rowflow.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A run as the API shows it. {@code error} is present when the run failed. */
public record RunView(UUID id, UUID flowId, RunStatus status, String trigger, Instant scheduledFor, Instant createdAt,
        Instant startedAt,
        Instant endedAt, Long durationMillis, boolean unchanged, List<RunStats.SourceStats> sources,
        List<RunStats.DestinationStats> destinations, RunError error) {

    public record RunError(String step, String message, String upstreamMessage) {
    }

    public record Page(List<RunView> items, int page, int size, long total) {
    }

    public record LogLine(Instant at, String level, String message) {
    }
}
