package io.rowflow.common.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on every answer: no MIME sniffing, no framing (clickjacking), a strict content security policy,
 * no referrer, and HSTS when the request came over TLS (directly or through a proxy that says so), since browsers
 * ignore it over plain HTTP and a local install must stay reachable that way.
 */
@ApplicationScoped
public class SecurityHeaders {
    static final String CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self';"
            + " object-src 'none'; img-src 'self' data:";
    /** Swagger UI starts itself with an inline script; its page gets the same policy with that allowed. */
    static final String SWAGGER_CSP = CSP + "; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'";

    void register(@Observes Filters filters) {
        filters.register(this::addHeaders, 100);
    }

    /** Whether the browser reached us over TLS, directly or through a proxy that says so. */
    public static boolean overTls(HttpServerRequest request) {
        return request.isSSL() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
    }

    private void addHeaders(RoutingContext context) {
        MultiMap headers = context.response().headers();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Content-Security-Policy", context.request().path().startsWith("/q/swagger-ui") ? SWAGGER_CSP : CSP);
        if (overTls(context.request())) {
            headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
        context.next();
    }
}
