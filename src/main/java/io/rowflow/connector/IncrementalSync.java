package io.rowflow.connector;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One incremental read of a stream: what the last committed read reached, and what this one learns. The source asks
 * from {@link #start} on (the newest change seen before, less the stream's lookback window, so late-arriving changes
 * are not missed) and passes every record's key and change time through {@link #admit}. A record is admitted once per
 * version: a change already delivered — read again inside the lookback window, or twice in one read — is left out, so
 * appending destinations get each change exactly once. The run stores {@link #state()} only after every destination
 * committed; a failed run stores nothing and the next one asks from the same point again.
 */
public final class IncrementalSync {
    /** Keys remembered for the lookback window are pruned when they reach this count (and twice as many after). */
    private static final int PRUNE_AT = 10_000;

    /** What a committed read reached: its newest change, and the versions it delivered within the lookback window. */
    public record State(Instant newest, Map<String, Instant> delivered) {
    }

    private final State previous;
    private Duration lookback = Duration.ZERO;
    private Instant since;
    private Instant newest;
    private final Map<String, Instant> delivered = new HashMap<>();
    private int pruneAt = PRUNE_AT;
    private long skipped;

    /** {@code previous} is null for a stream never read incrementally: the first read is full. */
    public IncrementalSync(State previous) {
        this.previous = previous;
        if (previous != null) {
            newest = previous.newest();
            delivered.putAll(previous.delivered());
        }
    }

    /** Whether nothing was read before: the read is full. */
    public boolean first() {
        return previous == null || previous.newest() == null;
    }

    /** Starts the read with the stream's lookback window; empty on the first read (read everything). */
    public Optional<Instant> start(Duration window) {
        this.lookback = window;
        if (first()) {
            return Optional.empty();
        }
        since = previous.newest().minus(window);
        delivered.values().removeIf(changed -> !changed.isAfter(since));
        return Optional.of(since);
    }

    /**
     * Whether the record goes on: false for a change older than the window asked from (delivered by an earlier read)
     * or a version of the record already delivered. A record without a change time always goes on.
     */
    public boolean admit(String key, Instant changedAt) {
        if (changedAt == null) {
            return true;
        }
        if ((since != null && !changedAt.isAfter(since)) || (key != null && changedAt.equals(delivered.get(key)))) {
            skipped++;
            return false;
        }
        if (newest == null || changedAt.isAfter(newest)) {
            newest = changedAt;
        }
        if (key != null) {
            delivered.put(key, changedAt);
            if (delivered.size() >= pruneAt) {
                prune();
                pruneAt = Math.max(PRUNE_AT, delivered.size() * 2);
            }
        }
        return true;
    }

    /** What to store once every destination committed. */
    public State state() {
        prune();
        return new State(newest, Map.copyOf(delivered));
    }

    /** Records read again (inside the lookback window, or twice by the API) and left out. */
    public long skipped() {
        return skipped;
    }

    /** Only versions that a next read's window can reach are worth remembering. */
    private void prune() {
        if (newest != null) {
            // Versions at the edge itself are kept: a search that starts again from there reads them again.
            Instant edge = newest.minus(lookback);
            delivered.values().removeIf(changed -> changed.isBefore(edge));
        }
    }
}
