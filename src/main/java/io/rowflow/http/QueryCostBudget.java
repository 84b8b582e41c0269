package io.rowflow.http;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.jboss.logging.Logger;

/**
 * A budget of points rather than requests, as APIs that price each query keep it (Shopify's GraphQL Admin API: a
 * bucket of points per app and store that refills at a fixed rate, and a query's calculated cost taken from it). Each
 * answer states the points left and the refill rate, and what the query was expected to cost; before the next
 * request the budget waits until that many points are back, so the API never has to refuse a query as throttled.
 * Until a first answer has spoken, nothing is known and nothing is held back.
 */
public final class QueryCostBudget {
    private static final Logger LOG = Logger.getLogger(QueryCostBudget.class);

    /** What one answer said: the expected cost of the query, the points left, the refill per second, the bucket. */
    public record Observation(double requested, double available, double restoreRate, Double maximum) {
    }

    private final String name;
    private final TimeSource clock;
    private boolean known;
    private double available;
    private double restoreRate;
    private double maximum = Double.MAX_VALUE;
    private double nextCost;
    private long observedAt;
    private long waitedNanos;

    public QueryCostBudget(String name, TimeSource clock) {
        this.name = name;
        this.clock = clock;
    }

    /**
     * Waits until the points the next query is expected to cost (the last query's requested cost) are back, then
     * takes them. Answers how long it waited.
     */
    public Duration awaitRoom() {
        Duration waited = Duration.ZERO;
        while (true) {
            Duration wait;
            synchronized (this) {
                if (!known || restoreRate <= 0) {
                    return waited;
                }
                long now = clock.nanoTime();
                double nowAvailable = Math.min(maximum, available + restoreRate * (now - observedAt) / 1e9);
                if (nowAvailable >= nextCost) {
                    available = nowAvailable - nextCost;
                    observedAt = now;
                    return waited;
                }
                wait = Duration.ofNanos((long) Math.ceil((nextCost - nowAvailable) / restoreRate * 1e9));
                waitedNanos += wait.toNanos();
            }
            LOG.infof("%s: %.0f query points needed, fewer left; waiting %d ms for them to come back", name, nextCost,
                    wait.toMillis());
            try {
                clock.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("Interrupted while waiting for " + name + "'s query cost budget");
            }
            waited = waited.plus(wait);
        }
    }

    /** Follows what an answer said; the API's count replaces the budget's own reckoning. */
    public synchronized void observe(Observation seen) {
        known = true;
        available = seen.available();
        restoreRate = seen.restoreRate();
        if (seen.maximum() != null) {
            maximum = seen.maximum();
        }
        nextCost = Math.min(seen.requested(), maximum);
        observedAt = clock.nanoTime();
    }

    /** Where this budget reads the time and waits. */
    public TimeSource time() {
        return clock;
    }

    /** In all, how long requests waited for points. */
    public synchronized Duration waited() {
        return Duration.ofNanos(waitedNanos);
    }
}
