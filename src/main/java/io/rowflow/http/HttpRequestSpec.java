package io.rowflow.http;

import java.net.URI;
import java.util.Map;

/**
 * One request to send: a method, an absolute URI, headers and an optional body. {@code secretPath} marks an address
 * whose path is itself a credential (a Slack webhook's): logs and messages then show its host only.
 */
public record HttpRequestSpec(String method, URI uri, Map<String, String> headers, String body, boolean secretPath) {
    public HttpRequestSpec(String method, URI uri, Map<String, String> headers, String body) {
        this(method, uri, headers, body, false);
    }

    public static HttpRequestSpec get(URI uri, Map<String, String> headers) {
        return new HttpRequestSpec("GET", uri, headers, null);
    }

    public HttpRequestSpec withUri(URI other) {
        return new HttpRequestSpec(method, other, headers, body, secretPath);
    }

    /**
     * This request without its credentials, for another origin: only headers that carry none are kept (Accept,
     * Content-Type…); Authorization, Cookie and every header a connection configured are dropped, as browsers and curl
     * do on a cross-origin redirect.
     */
    public HttpRequestSpec withoutCredentials() {
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (Origin.credentialFree(name)) {
                kept.put(name, value);
            }
        });
        return new HttpRequestSpec(method, uri, kept, body, secretPath);
    }
}
