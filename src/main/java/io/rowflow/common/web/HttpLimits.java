package io.rowflow.common.web;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The HTTP layer's limits answered as RFC 9457 problems, like every other error: 413 (body larger than
 * quarkus.http.limits.max-body-size, told by Content-Length), 414 (request target longer than {@value #MAX_URI}
 * characters) and 431 (headers together larger than {@value #MAX_HEADERS} bytes). Vert.x answers these itself, without
 * a body, before any route runs; so its own limits (max-initial-line-length, max-header-size) are set above these and
 * this filter, which runs before Quarkus' upload limit, answers first. Requests beyond Vert.x's outer limits still get
 * Vert.x's bare answer, as do chunked bodies that grow too large while being read.
 */
@ApplicationScoped
public class HttpLimits {
    static final int MAX_URI = 8192;
    static final int MAX_HEADERS = 20 * 1024;

    private final long maxBody;

    public HttpLimits(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10M") MemorySize maxBody) {
        this.maxBody = maxBody.asLongValue();
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, 200); // order -200: before Quarkus' upload limit (-2) and every route
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        String uri = request.uri();
        if (uri != null && uri.length() > MAX_URI) {
            reject(context, 414, "uri-too-long", "URI Too Long", "The request's address is " + uri.length()
                    + " characters long; at most " + MAX_URI + " are accepted", "");
            return;
        }
        long headers = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headers += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headers > MAX_HEADERS) {
            reject(context, 431, "headers-too-large", "Request Header Fields Too Large", "The request's headers"
                    + " take " + headers + " bytes; at most " + MAX_HEADERS + " are accepted", path(uri));
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                declared = -1;
            }
            if (declared > maxBody) {
                reject(context, 413, "content-too-large", "Content Too Large", "The request body has " + declared
                        + " bytes; at most " + maxBody + " are accepted", path(uri));
                return;
            }
        }
        context.next();
    }

    private static String path(String uri) {
        if (uri == null) {
            return "";
        }
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    /** Answers with a problem and closes the connection: the rest of the request (its body) is not read. */
    private static void reject(RoutingContext context, int status, String slug, String title, String detail,
            String instance) {
        HttpServerRequest request = context.request();
        boolean http1 = request.version() != io.vertx.core.http.HttpVersion.HTTP_2;
        if (http1) {
            context.response().putHeader("Connection", "close");
        }
        RawProblems.end(context.response(), status, slug, title, detail, instance.isEmpty() ? null : instance)
                .onComplete(sent -> {
                    if (http1) {
                        request.connection().close();
                    }
                });
    }
}
