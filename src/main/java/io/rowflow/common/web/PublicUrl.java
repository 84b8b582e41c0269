package io.rowflow.common.web;

import io.quarkus.runtime.LaunchMode;
import io.rowflow.common.db.DatabaseConfig;
import io.rowflow.common.error.NotConfiguredException;
import io.rowflow.oauth.OAuthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Optional;

/**
 * Rowflow's absolute address, for what must be absolute: OAuth redirect URIs and webhook addresses. It comes from
 * configuration only, never from a request's Host or X-Forwarded-Host header (which anyone can set, and which would
 * send a provider's authorization code or a webhook secret to the attacker's host). Without configuration the embedded
 * default (and dev and test mode) use {@code http://localhost:<port>}, the port being the one the connection reached;
 * with PostgreSQL (a deployment behind a load balancer) the request is refused with a problem that names the setting.
 */
@ApplicationScoped
public class PublicUrl {
    static final String SETTING = "rowflow.web.public-url";

    private final Optional<String> configured;
    private final boolean localFallback;

    @Inject
    public PublicUrl(WebConfig web, OAuthConfig oauth, DatabaseConfig db) {
        this(web.publicUrl().or(oauth::publicUrl), db.kind() == DatabaseConfig.Kind.EMBEDDED
                || LaunchMode.current() != LaunchMode.NORMAL);
    }

    PublicUrl(Optional<String> configured, boolean localFallback) {
        this.configured = configured.map(String::strip).filter(s -> !s.isEmpty()).map(PublicUrl::checked);
        this.localFallback = localFallback;
    }

    private static String checked(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(SETTING + " is not a URL: " + url);
        }
        if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalStateException(SETTING + " must be an http(s) address without query or fragment,"
                    + " like https://rowflow.example.com; it is " + url);
        }
        return url.replaceAll("/+$", "");
    }

    /** The configured address, without a trailing slash (for links that are left out when it is not set). */
    public Optional<String> configured() {
        return configured;
    }

    /**
     * The base address, without a trailing slash. {@code localPort} is the port the request's connection reached on
     * this server (not a header): the embedded default's fallback is {@code http://localhost:<localPort>}.
     *
     * @throws NotConfiguredException when nothing is configured and no fallback applies; {@code needs} says what for
     */
    public String base(int localPort, String needs) {
        if (configured.isPresent()) {
            return configured.get();
        }
        if (localFallback) {
            return "http://localhost:" + localPort;
        }
        throw new NotConfiguredException("Rowflow's public address is not configured, and " + needs + " needs it:"
                + " set " + SETTING + " (environment variable ROWFLOW_WEB_PUBLIC_URL) to the address browsers reach"
                + " Rowflow at, e.g. https://rowflow.example.com. Rowflow never builds it from the request's Host header.");
    }
}
