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
 * rowflow.web.max-body-size, or for an upload rowflow.uploads.max-size, told by Content-Length), 414 (request target longer than {@value #MAX_URI}
 * characters) and 431 (headers together larger than {@value #MAX_HEADERS} bytes). Vert.x answers these itself, without
 * a body, before any route runs; so its own limits (max-initial-line-length, max-header-size) are set above these and
 * this filter, which runs before Quarkus' upload limit, answers first. Requests beyond Vert.x's outer limits still get
 * Vert.x's bare answer, as do chunked bodies that grow too large while being read.
 *
 * <p>Quarkus' own body limit (quarkus.http.limits.max-body-size) is set to the largest body any route takes, an
 * upload's; a second filter, after Quarkus has set that limit on the request, lowers it to rowflow.web.max-body-size
 * for every other route, so that a body without a declared length is cut off there too (HttpLimitsTest sends 3 MB in
 * chunks to the sign-in: 413).
 */
@ApplicationScoped
public class HttpLimits {
    static final int MAX_URI = 8192;
    static final int MAX_HEADERS = 20 * 1024;

    /** The one route whose body may be larger: a file uploaded in the browser, capped by rowflow.uploads.max-size. */
    static final String UPLOADS = "/api/v1/uploads";

    private final long maxBody;
    private final long maxUpload;

    /** Where Quarkus keeps a request's body limit, which its blocking body readers enforce as they read. */
    static final String BODY_LIMIT_KEY = "io.quarkus.max-request-size";

    public HttpLimits(@ConfigProperty(name = "rowflow.web.max-body-size", defaultValue = "2M") MemorySize maxBody,
            @ConfigProperty(name = "rowflow.uploads.max-size", defaultValue = "50M") MemorySize maxUpload) {
        this.maxBody = maxBody.asLongValue();
        this.maxUpload = maxUpload.asLongValue();
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, 200); // order -200: before Quarkus' upload limit (-2) and every route
        filters.register(this::limitBody, 1); // order -1: after Quarkus' upload limit has set its own
    }

    private boolean isUpload(HttpServerRequest request) {
        return UPLOADS.equals(path(request.uri())) && request.method() == io.vertx.core.http.HttpMethod.POST;
    }

    private void limitBody(RoutingContext context) {
        context.put(BODY_LIMIT_KEY, isUpload(context.request()) ? maxUpload : maxBody);
        context.next();
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
            boolean upload = isUpload(request);
            long limit = upload ? maxUpload : maxBody;
            if (declared > limit) {
                reject(context, 413, "content-too-large", "Content Too Large", upload ? "The file has " + declared
                        + " bytes; an upload may have at most " + limit + " (rowflow.uploads.max-size)"
                        : "The request body has " + declared + " bytes; at most " + limit + " are accepted", path(uri));
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
