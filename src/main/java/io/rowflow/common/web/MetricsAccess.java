package io.rowflow.common.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * /q/metrics is not public: it answers a request that sends the scrape token ({@code rowflow.metrics.token}) as a
 * bearer token, which a Prometheus Operator ServiceMonitor sends from a Secret. Metrics name flows, connectors and
 * error counts; they are no business of whoever can reach the port.
 */
@ApplicationScoped
public class MetricsAccess {
    static final String PATH = "/q/metrics";
    private final Optional<byte[]> token;

    public MetricsAccess(MetricsConfig config) {
        this.token = config.token().map(String::strip).filter(t -> !t.isEmpty())
                .map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, 90);
    }

    private void check(RoutingContext context) {
        String path = context.normalizedPath();
        if (!(path.equals(PATH) || path.startsWith(PATH + "/"))) {
            context.next();
            return;
        }
        String sent = context.request().getHeader("Authorization");
        if (token.isPresent() && sent != null
                && MessageDigest.isEqual(token.get(), sent.strip().getBytes(StandardCharsets.UTF_8))) {
            context.next();
            return;
        }
        context.response().putHeader("WWW-Authenticate", "Bearer realm=\"rowflow-metrics\"");
        RawProblems.end(context.response(), 401, "not-signed-in", "Not signed in", token.isPresent()
                ? "The metrics need the scrape token (rowflow.metrics.token) as 'Authorization: Bearer <token>'"
                : "The metrics are off: set rowflow.metrics.token and send it as 'Authorization: Bearer <token>'",
                path);
    }
}
