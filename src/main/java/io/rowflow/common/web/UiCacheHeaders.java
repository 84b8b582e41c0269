package io.rowflow.common.web;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * How long a browser may keep the web UI's files. Vite names every built asset after a hash of its content
 * ({@code /assets/index-3f9c….js}), so those never change and are kept for a year without asking again. The page itself
 * ({@code index.html}, answered for every UI route) names the current assets and must be asked for each time: cached as
 * "immutable" it would keep an upgraded server's users on the old bundle. The API and the operations paths set their
 * own headers. Quinoa's file handler writes its one policy for everything; this one is applied when the headers go
 * out, after it.
 */
@ApplicationScoped
public class UiCacheHeaders {
    static final String HASHED_ASSET = "public, max-age=31536000, immutable";
    static final String PAGE = "no-cache";

    void register(@Observes Filters filters) {
        filters.register(this::addHeadersEndHandler, 90);
    }

    private void addHeadersEndHandler(RoutingContext context) {
        context.addHeadersEndHandler(ignored -> {
            String policy = cacheControl(context.normalizedPath(), context.response().getStatusCode());
            if (policy != null) {
                context.response().headers().set("Cache-Control", policy);
            }
        });
        context.next();
    }

    /** The Cache-Control for a UI answer, or null where the answer is the API's or not a file served (an error). */
    static String cacheControl(String path, int status) {
        if (path == null || isServerPath(path) || status >= 400) {
            return null;
        }
        return path.startsWith("/assets/") ? HASHED_ASSET : PAGE;
    }

    private static boolean isServerPath(String path) {
        return path.equals("/api") || path.startsWith("/api/") || path.equals("/q") || path.startsWith("/q/");
    }
}
