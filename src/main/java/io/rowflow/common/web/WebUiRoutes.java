package io.rowflow.common.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The web UI's own addresses ({@code /flows/…}, {@code /connections/…}) answer with its page, so that a link, a reload
 * or a provider's redirect after "Connect …" opens the right screen. Quinoa's SPA routing cannot do it here: the REST
 * layer answers every unknown path with a problem (404) before Quinoa's fallback runs. The API, the operations paths
 * and files (a name with a dot) are left alone.
 */
@ApplicationScoped
public class WebUiRoutes {
    void register(@Observes Router router) {
        router.get().order(-10).handler(this::route);
    }

    void route(RoutingContext context) {
        if (isUiRoute(context.normalizedPath(), context.request().getHeader("Accept"))) {
            context.reroute("/");
        } else {
            context.next();
        }
    }

    static boolean isUiRoute(String path, String accept) {
        if (path.equals("/") || path.startsWith("/api/") || path.equals("/api") || path.startsWith("/q/")
                || path.equals("/q") || path.startsWith("/assets/")) {
            return false;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        return !last.contains(".") && accept != null && accept.contains("text/html");
    }
}
