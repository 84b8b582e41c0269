package io.rowflow.oauth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Sign-in with providers' OAuth 2.0: the app's registration at each provider, and how sign-ins behave. */
@ConfigMapping(prefix = "rowflow.oauth")
public interface OAuthConfig {
    /**
     * The older name of {@code rowflow.web.public-url} (which wins when both are set): redirect URIs are the public
     * address plus /api/v1/oauth/{connector}/callback, exactly as registered at the provider.
     */
    Optional<String> publicUrl();

    /** How long a started sign-in may take before its state is refused. */
    @WithDefault("10m")
    Duration stateTtl();

    /** An access token this close to its expiry is refreshed before use. */
    @WithDefault("60s")
    Duration refreshMargin();

    /** By connector id: {@code rowflow.oauth.provider.hubspot.client-id=…}. */
    Map<String, Provider> provider();

    interface Provider {
        String clientId();

        Optional<String> clientSecret();

        /** Replaces the manifest's authorize URL (a test fake, a regional endpoint). */
        Optional<String> authorizeUrl();

        /** Replaces the manifest's token URL. */
        Optional<String> tokenUrl();

        /** Replaces the manifest's address that tells which site a token reaches (Atlassian's accessible-resources). */
        Optional<String> resourcesUrl();

        /** Overrides the manifest's choice of PKCE. */
        Optional<Boolean> pkce();
    }
}
