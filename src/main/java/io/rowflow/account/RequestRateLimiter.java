package io.rowflow.account;

import io.rowflow.common.error.TooManyRequestsException;
import io.rowflow.common.ratelimit.TokenBuckets;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * A token bucket per credential (API token or session) on this node: {@code requests-per-minute} requests, refilled
 * evenly; past it, 429 with the time until the next request is allowed.
 */
@ApplicationScoped
public class RequestRateLimiter {
    private final TokenBuckets buckets;

    @jakarta.inject.Inject
    public RequestRateLimiter(AccountConfig config) {
        this(config, System::nanoTime);
    }

    RequestRateLimiter(AccountConfig config, java.util.function.LongSupplier nanoTime) {
        this.buckets = new TokenBuckets(config.requestsPerMinute(), nanoTime);
    }

    public void acquire(String key) {
        buckets.take(key).ifPresent(wait -> {
            throw new TooManyRequestsException("More than " + buckets.perMinute() + " requests a minute with this"
                    + " credential; slow down", wait);
        });
    }
}
