package io.rowflow.common.ratelimit;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key on this node: {@code perMinute} requests, refilled evenly. {@link #take} answers how long to
 * wait when the key's bucket is empty.
 */
public final class TokenBuckets {
    private static final int MAX_KEYS = 100_000;
    private final double perSecond;
    private final double capacity;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public TokenBuckets(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    /** {@code nanoTime}: the monotonic clock the buckets refill by (a test's own, to assert exact refills). */
    public TokenBuckets(int perMinute, LongSupplier nanoTime) {
        this.capacity = perMinute;
        this.perSecond = perMinute / 60.0;
        this.nanoTime = nanoTime;
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    public int perMinute() {
        return (int) capacity;
    }

    /** Takes one token from the key's bucket; empty when taken, else the wait until one is there. */
    public Optional<Duration> take(String key) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > MAX_KEYS) {
            buckets.clear(); // a bound on memory; at worst a caller gets a fresh bucket
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> {
            Bucket b = new Bucket();
            b.tokens = capacity;
            b.updatedNanos = now;
            return b;
        });
        synchronized (bucket) {
            bucket.tokens = Math.min(capacity, bucket.tokens + (now - bucket.updatedNanos) / 1e9 * perSecond);
            bucket.updatedNanos = now;
            if (bucket.tokens < 1) {
                return Optional.of(Duration.ofMillis((long) Math.ceil((1 - bucket.tokens) / perSecond * 1000)));
            }
            bucket.tokens -= 1;
            return Optional.empty();
        }
    }
}
