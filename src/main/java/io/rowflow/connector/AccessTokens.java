package io.rowflow.connector;

/** The access tokens of a connection signed in with OAuth, as a read needs them. */
public interface AccessTokens {
    /** A token to send now, refreshed first when it is about to expire. */
    String current();

    /**
     * The provider refused {@code rejected} before its expiry (revoked, rotated by the provider): a new one, refreshed
     * once however many reads ask at the same time.
     */
    String afterRejection(String rejected);
}
