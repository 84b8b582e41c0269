package io.rowflow.common.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;

/**
 * Gives every request the server's own id, sent back in {@code X-Request-Id}; the audit log records it. A client's
 * {@code X-Request-Id} is never taken as the request's id (anyone could make entries look like another request's):
 * it is kept apart, cut to {@value #MAX_CLIENT_ID} printable ASCII characters.
 */
@ApplicationScoped
public class RequestIds {
    public static final String HEADER = "X-Request-Id";
    static final int MAX_CLIENT_ID = 64;
    private static final String KEY = "rowflow.request-id";

    /** Ahead of every other filter, so that all answers, refusals included, carry the id. */
    void register(@Observes Filters filters) {
        filters.register(this::assign, 1_000);
    }

    private void assign(RoutingContext context) {
        String id = UUID.randomUUID().toString();
        context.put(KEY, id);
        context.response().headers().set(HEADER, id);
        context.next();
    }

    /** The server's id of the request. */
    public static String serverId(RoutingContext context) {
        return context == null ? null : context.get(KEY);
    }

    /** What the client sent as its own request id, sanitized; null when it sent none (or nothing printable). */
    public static String clientId(RoutingContext context) {
        return context == null ? null : sanitize(context.request().getHeader(HEADER));
    }

    static String sanitize(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < value.length() && kept.length() < MAX_CLIENT_ID; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                kept.append(c);
            }
        }
        String result = kept.toString().strip();
        return result.isEmpty() ? null : result;
    }
}
