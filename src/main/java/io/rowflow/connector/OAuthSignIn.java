package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
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

    /**
     * The connection settings a user gives before signing in, because the provider's addresses are made from them (a
     * Shopify shop: https://{{config.shop}}.myshopify.com/admin/oauth/authorize); none for most providers.
     */
    default List<String> settingsBeforeSignIn() {
        return List.of();
    }

    /**
     * One of the sign-in's addresses ({@code authorize_url}, {@code token_url}) for these settings. A setting that is
     * invalid, or an address whose host the connector does not use, is refused before anything is sent.
     */
    default URI oauthAddress(String field, JsonNode settings) {
        return URI.create(oauth().orElseThrow().get(field).asText());
    }

    /**
     * Checks what a token answer gave before it is kept (an API address it names must be one the connector uses);
     * throws an {@link io.rowflow.common.error.UpstreamException} saying what was refused. Nothing to check by default.
     */
    default void checkSignedIn(JsonNode tokenSettings) {
    }
}
