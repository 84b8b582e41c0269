package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * A connector whose accounts can connect by signing in at the provider: its OAuth settings as a manifest's {@code oauth}
 * section declares them (authorize and token URLs, PKCE, client authentication, extra parameters), and the scopes to
 * ask for.
 */
public interface OAuthSignIn {
    Optional<JsonNode> oauth();

    List<String> oauthScopes();
}
