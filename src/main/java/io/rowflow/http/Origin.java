package io.rowflow.http;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * An origin (scheme, host, port) as browsers and RFC 6454 define it: the unit credentials are bound to. A request
 * that leaves the origin its credentials were given for — a redirect, a next-page link, a changed URL — is sent
 * without them.
 */
public record Origin(String scheme, String host, int port) {
    /** Headers that carry no credential and may follow a request anywhere; every other header is dropped. */
    private static final Set<String> CREDENTIAL_FREE_HEADERS = Set.of("accept", "accept-language", "content-type",
            "user-agent");

    /** The origin of an absolute http(s) URI; empty for anything without a scheme and host. */
    public static Optional<Origin> of(URI uri) {
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            return Optional.empty();
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
        return Optional.of(new Origin(scheme, uri.getHost().toLowerCase(Locale.ROOT), port));
    }

    /** The origin of a URL given as text; empty when it is not a valid absolute URL. */
    public static Optional<Origin> parse(String url) {
        if (url == null) {
            return Optional.empty();
        }
        try {
            return of(URI.create(url.trim()));
        } catch (IllegalArgumentException invalid) {
            return Optional.empty();
        }
    }

    public static boolean same(URI a, URI b) {
        Optional<Origin> origin = of(a);
        return origin.isPresent() && origin.equals(of(b));
    }

    /** Whether a header may be sent to an origin other than the one its request was configured for. */
    public static boolean credentialFree(String header) {
        return CREDENTIAL_FREE_HEADERS.contains(header.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return scheme + "://" + host + ":" + port;
    }
}
