package io.rowflow.account;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A credential found on a request: an API token from the Authorization header, or a session cookie. */
public final class CredentialRequest extends BaseAuthenticationRequest {
    enum Kind {
        TOKEN, SESSION
    }

    final Kind kind;
    final String secret;

    CredentialRequest(Kind kind, String secret) {
        this.kind = kind;
        this.secret = secret;
    }
}
