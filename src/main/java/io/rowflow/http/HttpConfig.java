package io.rowflow.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How Rowflow calls external HTTP endpoints on a user's behalf. */
@ConfigMapping(prefix = "rowflow.http")
public interface HttpConfig {
    /** Time allowed to open a connection. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Longest silence allowed while reading a response. */
    @WithDefault("60s")
    Duration readTimeout();

    /**
     * Longest one attempt of a request may take in all: connecting, waiting for the headers and reading the whole body.
     * The read timeout only bounds each silence, so a server dribbling a byte now and then would otherwise hold a run
     * for hours. An answer still incomplete at this point fails the request; raise it for very large, slow downloads.
     */
    @WithDefault("5m")
    Duration requestTimeout();

    /** Largest response body read from one request, after decompression (a gzip bomb stops here too). */
    @WithDefault("104857600")
    long maxResponseBytes();

    /** Attempts per request, the first included, when the server answers 429 or 5xx or the connection fails. */
    @WithDefault("5")
    int maxAttempts();

    /** First wait between attempts; it doubles on each retry, with jitter. */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Longest wait between two attempts computed by backoff. */
    @WithDefault("30s")
    Duration maxBackoff();

    /**
     * Longest wait Rowflow makes in place when a server asks for one (Retry-After, a rate limit's reset); a server
     * asking for more fails the request at once, saying when it may be tried again (a run is queued for then).
     */
    @WithDefault("120s")
    Duration maxRetryAfter();

    /**
     * Longest time one request waits out rate limits (429s) in all: a 429 does not use up one of the attempts, so this
     * bounds how long a request may be held back (a run's time limit bounds it too).
     */
    @WithDefault("5m")
    Duration maxRateLimitWait();

    /** Redirects followed per request; each target is checked again by the network guard. */
    @WithDefault("5")
    int maxRedirects();

    /** Allow URLs that resolve to loopback, private, link-local or metadata addresses. Off by default (SSRF guard). */
    @WithDefault("false")
    boolean allowPrivateNetworks();

    /** Requests one workspace may have in flight on this node at once; more wait their turn (see the next). */
    @WithDefault("8")
    int maxRequestsPerWorkspace();

    /** How long a request waits for its workspace's turn before it fails. */
    @WithDefault("30s")
    Duration workspaceQueueTimeout();

    /** Address blocks (CIDR) allowed even though private, e.g. an internal API at {@code 10.1.2.0/24}. */
    Optional<List<String>> allowedNetworks();

    default HttpSettings settings() {
        return new HttpSettings(connectTimeout(), readTimeout(), requestTimeout(), maxResponseBytes(), maxAttempts(),
                initialBackoff(), maxBackoff(), maxRetryAfter(), maxRateLimitWait(), maxRedirects(), allowPrivateNetworks(),
                allowedNetworks().orElse(List.of()));
    }
}
