package io.rowflow.http;

import java.net.URI;
import java.util.Map;

/**
 * One request to send: a method, an absolute URI, headers and an optional body: text ({@code body}) or bytes
 * ({@code content}, a file's part; sent as application/octet-stream unless a Content-Type header says otherwise).
 * {@code secretPath} marks an address whose path is itself a credential (a Slack webhook's, a pre-authenticated upload
 * URL): logs and messages then show its host only.
 */
public record HttpRequestSpec(String method, URI uri, Map<String, String> headers, String body, boolean secretPath,
        byte[] content) {
    public HttpRequestSpec(String method, URI uri, Map<String, String> headers, String body, boolean secretPath) {
        this(method, uri, headers, body, secretPath, null);
    }

    public HttpRequestSpec(String method, URI uri, Map<String, String> headers, String body) {
        this(method, uri, headers, body, false);
    }

    /** A request carrying bytes, to an address that is itself a credential when {@code secretPath}. */
    public static HttpRequestSpec bytes(String method, URI uri, Map<String, String> headers, byte[] content,
            boolean secretPath) {
        return new HttpRequestSpec(method, uri, headers, null, secretPath, content);
    }

    public static HttpRequestSpec get(URI uri, Map<String, String> headers) {
        return new HttpRequestSpec("GET", uri, headers, null);
    }

    public HttpRequestSpec withUri(URI other) {
        return new HttpRequestSpec(method, other, headers, body, secretPath, content);
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
        return new HttpRequestSpec(method, uri, kept, body, secretPath, content);
    }
}
