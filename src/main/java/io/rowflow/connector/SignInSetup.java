package io.rowflow.connector;

/**
 * Whether this server holds an OAuth client for a connector, so that its sign-in can start. Asked by the catalog,
 * answered by the OAuth feature (which depends on connectors, not the other way round).
 */
public interface SignInSetup {
    boolean isSetUp(String connectorId);
}
