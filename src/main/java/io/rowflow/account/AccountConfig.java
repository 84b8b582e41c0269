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

    /**
     * Failed sign-ins in a row with one email from one client address after which that address may not try that email
     * again for {@link #lockout()}. The account itself stays open to every other address; unknown emails count alike.
     */
    @WithDefault("5")
    int maxFailedSignIns();

    /** How long a throttled (email, address) pair or address waits before it may try again. */
    @WithDefault("15m")
    Duration lockout();

    /** Throttling of sign-in attempts, applied before any password is hashed. */
    SignInThrottling signIn();

    /** rowflow.account.sign-in.*: limits on the anonymous sign-in endpoint, on this node. */
    interface SignInThrottling {
        /** Sign-in attempts per minute from all addresses together; past it, 503 with Retry-After. */
        @WithDefault("300")
        int attemptsPerMinute();

        /** Sign-in attempts per minute from one client address, right or wrong; past it, 429 with Retry-After. */
        @WithDefault("30")
        int attemptsPerMinutePerAddress();

        /** Failed sign-ins from one client address, whatever the emails, after which it waits {@code lockout}. */
        @WithDefault("20")
        int maxFailuresPerAddress();

        /** Passwords checked (Argon2) at once; unset: half the processors, at least one. */
        Optional<Integer> concurrentPasswordChecks();

        /**
         * Sign-ins being handled at once, from all addresses; more answer 503 at once, on the I/O thread, before taking
         * a worker thread. Unset: four per password check.
         */
        Optional<Integer> maxInProgress();

        /** How long failures add up towards the limits, from the first one. */
        @WithDefault("15m")
        Duration failureWindow();

        /** How long an attempt waits for a free password check before answering 503 with Retry-After. */
        @WithDefault("100ms")
        Duration passwordCheckWait();
    }

    /**
     * Signing in through the identity provider (OIDC): people without a Rowflow account get one and join the default
     * workspace with this role. Unset: only people an admin added (by email) may sign in.
     */
    Optional<Role> oidcNewUserRole();

    /** API requests each token or session may make per minute on one node; more answer 429 with Retry-After. */
    @WithDefault("600")
    int requestsPerMinute();
}
