package io.rowflow.account;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Turns an API token or a session id into the caller's identity, on a worker thread (it reads the database). */
@ApplicationScoped
public class CredentialIdentityProvider implements IdentityProvider<CredentialRequest> {
    private final AccountService accounts;

    public CredentialIdentityProvider(AccountService accounts) {
        this.accounts = accounts;
    }

    @Override
    public Class<CredentialRequest> getRequestType() {
        return CredentialRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(CredentialRequest request, AuthenticationRequestContext context) {
        return context.runBlocking(() -> QuarkusTransaction.requiringNew().call(() -> {
            CallerIdentity caller = switch (request.kind) {
                case TOKEN -> accounts.callerForToken(request.secret);
                case SESSION -> accounts.callerForSession(request.secret);
            };
            if (caller == null) {
                throw new AuthenticationFailedException(request.kind == CredentialRequest.Kind.TOKEN
                        ? "Unknown, expired or revoked API token" : "The session has ended; sign in again");
            }
            return caller.toSecurityIdentity();
        }));
    }
}
