package io.rowflow.account;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.util.Optional;
import java.util.UUID;

/**
 * What Rowflow's authentication put in the security identity: the user, how they signed in (token or session cookie),
 * the session's CSRF token, and a key naming the credential for rate limiting.
 */
public record CallerIdentity(UUID userId, String email, boolean viaSession, String csrfToken, String credentialKey) {
    private static final String ATTRIBUTE = "rowflow.caller";

    public static Optional<CallerIdentity> of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return Optional.empty();
        }
        return Optional.ofNullable(identity.getAttribute(ATTRIBUTE));
    }

    SecurityIdentity toSecurityIdentity() {
        return QuarkusSecurityIdentity.builder().setPrincipal(() -> userId.toString()).addAttribute(ATTRIBUTE, this)
                .addRole("user").build();
    }
}
