package io.rowflow.connection;

import java.util.UUID;

/** Current access tokens of connections signed in with OAuth, refreshed as they near their expiry. */
public interface TokenSource {
    String accessToken(UUID connectionId);

    /** A new token after the provider refused {@code rejected}; one refresh for every caller that saw it refused. */
    String afterRejection(UUID connectionId, String rejected);
}
