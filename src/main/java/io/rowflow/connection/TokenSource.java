package io.rowflow.connection;

import java.util.UUID;

/** Current access tokens of connections signed in with OAuth, refreshed as they near their expiry. */
public interface TokenSource {
    String accessToken(UUID connectionId);
}
