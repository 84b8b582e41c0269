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

    /** Longest Retry-After Rowflow honours; a server asking for more fails the request at once. */
    @WithDefault("120s")
    Duration maxRetryAfter();

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
        return new HttpSettings(connectTimeout(), readTimeout(), maxResponseBytes(), maxAttempts(), initialBackoff(),
                maxBackoff(), maxRetryAfter(), maxRedirects(), allowPrivateNetworks(), allowedNetworks().orElse(List.of()));
    }
}
