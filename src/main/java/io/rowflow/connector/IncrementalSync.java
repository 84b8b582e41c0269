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

    /**
     * What a committed read reached: its newest change and the versions it delivered within the lookback window; and
     * for a stream that lists its deletions, the newest deletion seen and the deletions reported within the window.
     */
    public record State(Instant newest, Map<String, Instant> delivered, Instant newestDeletion,
            Map<String, Instant> deletionsReported) {
        public State(Instant newest, Map<String, Instant> delivered) {
            this(newest, delivered, null, Map.of());
        }
    }

    private final State previous;
    private Duration lookback = Duration.ZERO;
    private Instant since;
    private Instant newest;
    private final Map<String, Instant> delivered = new HashMap<>();
    private int pruneAt = PRUNE_AT;
    private long skipped;
    private Instant deletionsSince;
    private Instant newestDeletion;
    private final Map<String, Instant> deletionsReported = new HashMap<>();
    /** Keys that changed records name as merged into them: gone from the source without a deletion of their own. */
    private final java.util.Set<String> mergedAway = new java.util.LinkedHashSet<>();

    /** {@code previous} is null for a stream never read incrementally: the first read is full. */
    public IncrementalSync(State previous) {
        this.previous = previous;
        if (previous != null) {
            newest = previous.newest();
            delivered.putAll(previous.delivered());
            newestDeletion = previous.newestDeletion();
            deletionsReported.putAll(previous.deletionsReported());
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

    /**
     * Starts listing deletions: from the newest deletion seen before (or, the first time, the newest change), less the
     * lookback window; empty on a first read, which is full and has nothing to remove.
     */
    public Optional<Instant> startDeletions(Duration window) {
        if (first()) {
            return Optional.empty();
        }
        Instant from = newestDeletion != null ? newestDeletion : previous.newest();
        deletionsSince = from.minus(window);
        deletionsReported.values().removeIf(at -> !at.isAfter(deletionsSince));
        return Optional.of(deletionsSince);
    }

    /**
     * Whether a deleted record goes on: false when deleted before the start of the listing, or already reported by an
     * earlier read (the same key deleted at the same time). A record without a deletion time always goes on.
     */
    public boolean admitDeletion(String key, Instant deletedAt) {
        if (deletedAt == null) {
            return true;
        }
        if ((deletionsSince != null && !deletedAt.isAfter(deletionsSince))
                || (key != null && deletedAt.equals(deletionsReported.get(key)))) {
            return false;
        }
        if (newestDeletion == null || deletedAt.isAfter(newestDeletion)) {
            newestDeletion = deletedAt;
        }
        if (key != null) {
            deletionsReported.put(key, deletedAt);
        }
        return true;
    }

    /** A changed record names {@code key} as merged into it: the record with that key is gone. */
    public void mergedAway(String key) {
        mergedAway.add(key);
    }

    /** The keys changed records named as merged into them during this read, in the order met. */
    public java.util.Set<String> mergedAway() {
        return java.util.Collections.unmodifiableSet(mergedAway);
    }

    /** What to store once every destination committed. */
    public State state() {
        prune();
        if (newestDeletion != null) {
            Instant edge = newestDeletion.minus(lookback);
            deletionsReported.values().removeIf(at -> at.isBefore(edge));
        }
        return new State(newest, Map.copyOf(delivered), newestDeletion, Map.copyOf(deletionsReported));
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
