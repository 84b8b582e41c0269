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
}
