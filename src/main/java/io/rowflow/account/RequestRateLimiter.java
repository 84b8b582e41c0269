package io.rowflow.account;

import io.rowflow.common.error.TooManyRequestsException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per credential (API token or session) on this node: {@code requests-per-minute} requests, refilled
 * evenly; past it, 429 with the time until the next request is allowed.
 */
@ApplicationScoped
public class RequestRateLimiter {
    private final double perSecond;
    private final double capacity;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RequestRateLimiter(AccountConfig config) {
        this.capacity = config.requestsPerMinute();
        this.perSecond = config.requestsPerMinute() / 60.0;
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    public void acquire(String key) {
        long now = System.nanoTime();
        if (buckets.size() > 100_000) {
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
                long waitMillis = (long) Math.ceil((1 - bucket.tokens) / perSecond * 1000);
                throw new TooManyRequestsException("More than " + (int) capacity + " requests a minute with this"
                        + " credential; slow down", Duration.ofMillis(waitMillis));
            }
            bucket.tokens -= 1;
        }
    }
}
