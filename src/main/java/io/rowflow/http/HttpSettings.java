package io.rowflow.http;

import java.time.Duration;
import java.util.List;

/** The values of {@link HttpConfig}, as a plain record so the HTTP client also runs outside the application. */
public record HttpSettings(Duration connectTimeout, Duration readTimeout, Duration requestTimeout, long maxResponseBytes,
        int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter, Duration maxRateLimitWait,
        int maxRedirects, boolean allowPrivateNetworks, List<String> allowedNetworks) {

    public static HttpSettings defaults() {
        return new HttpSettings(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5), 100L << 20, 5,
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofMinutes(5), 5, false,
                List.of());
    }

    public HttpSettings withAllowedNetworks(List<String> networks) {
        return new HttpSettings(connectTimeout, readTimeout, requestTimeout, maxResponseBytes, maxAttempts, initialBackoff,
                maxBackoff, maxRetryAfter, maxRateLimitWait, maxRedirects, allowPrivateNetworks, networks);
    }

    public HttpSettings withMaxResponseBytes(long bytes) {
        return new HttpSettings(connectTimeout, readTimeout, requestTimeout, bytes, maxAttempts, initialBackoff, maxBackoff,
                maxRetryAfter, maxRateLimitWait, maxRedirects, allowPrivateNetworks, allowedNetworks);
    }

    public HttpSettings withRateLimitWaits(Duration maxRetryAfter, Duration maxRateLimitWait) {
        return new HttpSettings(connectTimeout, readTimeout, requestTimeout, maxResponseBytes, maxAttempts, initialBackoff,
                maxBackoff, maxRetryAfter, maxRateLimitWait, maxRedirects, allowPrivateNetworks, allowedNetworks);
    }

    public HttpSettings withBackoff(Duration initial, Duration max) {
        return new HttpSettings(connectTimeout, readTimeout, requestTimeout, maxResponseBytes, maxAttempts, initial, max,
                maxRetryAfter, maxRateLimitWait, maxRedirects, allowPrivateNetworks, allowedNetworks);
    }

    public HttpSettings withTimeouts(Duration read, Duration request) {
        return new HttpSettings(connectTimeout, read, request, maxResponseBytes, maxAttempts, initialBackoff, maxBackoff,
                maxRetryAfter, maxRateLimitWait, maxRedirects, allowPrivateNetworks, allowedNetworks);
    }
}
