package io.rowflow.oauth;

/** The S256 challenge of a verifier, for the fake provider to check what Rowflow sends. */
public final class PkceAccess {
    private PkceAccess() {
    }

    public static String challenge(String verifier) {
        return OAuthService.challenge(verifier);
    }
}
