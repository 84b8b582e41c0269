package io.rowflow.account;

import io.rowflow.workspace.Role;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Sign-in, sessions, lockout and per-caller rate limits. */
@ConfigMapping(prefix = "rowflow.account")
public interface AccountConfig {
    /**
     * The first admin's email, created at start-up when no account exists yet (with {@link #adminPassword()}).
     * Without it, the first person to open the setup page ({@code POST /api/v1/auth/setup}) becomes the admin.
     * application.properties reads it from {@code ROWFLOW_ADMIN_EMAIL}.
     */
    Optional<String> adminEmail();

    /** The first admin's password; application.properties reads it from {@code ROWFLOW_ADMIN_PASSWORD}. */
    Optional<String> adminPassword();

    /** How long a browser session lasts after sign-in. */
    @WithDefault("12h")
    Duration sessionTimeout();

    /** Failed sign-ins in a row that lock an account. */
    @WithDefault("5")
    int maxFailedSignIns();

    /** How long a locked account stays locked. */
    @WithDefault("15m")
    Duration lockout();

    /**
     * Signing in through the identity provider (OIDC): people without a Rowflow account get one and join the default
     * workspace with this role. Unset: only people an admin added (by email) may sign in.
     */
    Optional<Role> oidcNewUserRole();

    /** API requests each token or session may make per minute on one node; more answer 429 with Retry-After. */
    @WithDefault("600")
    int requestsPerMinute();
}
