package io.rowflow.oauth;

import io.rowflow.connector.SignInSetup;
import jakarta.enterprise.context.ApplicationScoped;

/** A connector's sign-in is set up when rowflow.oauth.provider.{id}.client-id is. */
@ApplicationScoped
public class ConfiguredSignIns implements SignInSetup {
    private final OAuthConfig config;

    public ConfiguredSignIns(OAuthConfig config) {
        this.config = config;
    }

    @Override
    public boolean isSetUp(String connectorId) {
        return config.provider().containsKey(connectorId);
    }
}
