package io.rowflow.account;

import io.rowflow.common.error.BusyException;
import io.rowflow.common.error.TooManyRequestsException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Throttles anonymous sign-in on this node, before any password is hashed, and bounds how many Argon2 checks run at
 * once. It never looks at whether an email has an account: an unknown email is throttled exactly like a known one.
 * <ul>
 * <li>attempts per minute from all addresses together (503 past it) and from one address (429);</li>
 * <li>failed attempts per (email, address) pair and per address: past the limit that pair or address waits
 * {@code lockout}; the account stays open to everyone else, so nobody can lock the owner out from elsewhere;</li>
 * <li>at most {@code max-in-progress} sign-ins handled at once ({@link SignInGate} refuses the rest on the I/O
 * thread);</li>
 * <li>a semaphore of password checks: an attempt that cannot get one within {@code password-check-wait} answers 503,
 * so a flood of sign-ins holds at most that many cores and the rest of the API keeps answering.</li>
 * </ul>
 * An attempt counts as a failure from the moment it starts (so a burst of parallel attempts cannot all get past the
 * limit before the first one fails) and is given back when it succeeds or was never checked.
 */
@ApplicationScoped
public class SignInThrottle {
    static final String FAILURES_DETAIL = "Too many failed sign-ins with this email from your address; try again later";
    static final String ADDRESS_FAILURES_DETAIL = "Too many failed sign-ins from your address; try again later";
    private static final int MAX_ENTRIES = 100_000;

    /** The limits, in one place (the unit tests build their own). */
    record Settings(int attemptsPerMinute, int attemptsPerMinutePerAddress, int maxFailuresPerPair,
            int maxFailuresPerAddress, Duration failureWindow, Duration lockout, int concurrentChecks, int maxInProgress,
            Duration checkWait) {
        static Settings of(AccountConfig config) {
            AccountConfig.SignInThrottling t = config.signIn();
            int checks = Math.max(1, t.concurrentPasswordChecks()
                    .orElse(Math.max(1, Runtime.getRuntime().availableProcessors() / 2)));
            return new Settings(t.attemptsPerMinute(), t.attemptsPerMinutePerAddress(), config.maxFailedSignIns(),
                    t.maxFailuresPerAddress(), t.failureWindow(), config.lockout(), checks,
                    Math.max(1, t.maxInProgress().orElse(4 * checks)), t.passwordCheckWait());
        }
    }

    private final Settings settings;
    private final LongSupplier nanoClock;
    private final Bucket global;
    private final Map<String, Bucket> attemptsByAddress = new ConcurrentHashMap<>();
    private final Map<String, Failures> failuresByAddress = new ConcurrentHashMap<>();
    private final Map<String, Failures> failuresByPair = new ConcurrentHashMap<>();
    private final Semaphore checks;
    private final java.util.concurrent.atomic.AtomicInteger inProgress = new java.util.concurrent.atomic.AtomicInteger();

    @Inject
    public SignInThrottle(AccountConfig config) {
        this(Settings.of(config), System::nanoTime);
    }

    SignInThrottle(Settings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.global = new Bucket(settings.attemptsPerMinute(), nanoClock.getAsLong());
        this.checks = new Semaphore(settings.concurrentChecks(), true);
    }

    /**
     * Starts a sign-in attempt by {@code address} for {@code email} (as typed; it need not exist), or refuses it with
     * 429 (this address or pair) or 503 (all addresses). The caller settles the attempt exactly once.
     */
    public Attempt begin(String email, String address) {
        long now = nanoClock.getAsLong();
        String client = addressKey(address);
        String pair = (email == null ? "" : email.strip().toLowerCase(Locale.ROOT)) + "\n" + client;
        bound(now);
        Failures byPair = failuresByPair.computeIfAbsent(pair, k -> new Failures());
        Failures byAddress = failuresByAddress.computeIfAbsent(client, k -> new Failures());
        byPair.refuseIfBlocked(now, FAILURES_DETAIL);
        byAddress.refuseIfBlocked(now, ADDRESS_FAILURES_DETAIL);
        attemptsByAddress.computeIfAbsent(client, k -> new Bucket(settings.attemptsPerMinutePerAddress(), now))
                .take(now, "More than " + settings.attemptsPerMinutePerAddress()
                        + " sign-in attempts a minute from your address; slow down", false);
        global.take(now, "Too many sign-in attempts on this server right now; try again in a moment", true);
        byAddress.reserve(now, settings.maxFailuresPerAddress(), ADDRESS_FAILURES_DETAIL);
        try {
            byPair.reserve(now, settings.maxFailuresPerPair(), FAILURES_DETAIL);
        } catch (TooManyRequestsException e) {
            byAddress.giveBack();
            throw e;
        }
        return new Attempt(pair, byPair, byAddress);
    }

    /**
     * Admits one more sign-in request into the server (released by {@link #leave()}), or refuses it with 503 when
     * {@code max-in-progress} are being handled already.
     */
    public BusyException enter() {
        if (inProgress.incrementAndGet() > settings.maxInProgress()) {
            inProgress.decrementAndGet();
            return new BusyException("Too many sign-ins at once; try again in a moment", Duration.ofSeconds(1));
        }
        return null;
    }

    public void leave() {
        inProgress.decrementAndGet();
    }

    /**
     * The refusal an attempt from {@code address} would get whatever its email, checked without counting anything:
     * {@link SignInGate} asks on the I/O thread, so a flood from one address is refused before it takes worker threads.
     */
    public TooManyRequestsException refusalFor(String address) {
        long now = nanoClock.getAsLong();
        String client = addressKey(address);
        Failures byAddress = failuresByAddress.get(client);
        Bucket attempts = attemptsByAddress.get(client);
        try {
            if (byAddress != null) {
                byAddress.refuseIfBlocked(now, ADDRESS_FAILURES_DETAIL);
                byAddress.refuseIfFull(now, settings.maxFailuresPerAddress(), ADDRESS_FAILURES_DETAIL);
            }
            if (attempts != null) {
                attempts.refuseIfEmpty(now, "More than " + settings.attemptsPerMinutePerAddress()
                        + " sign-in attempts a minute from your address; slow down", false);
            }
            global.refuseIfEmpty(now, "Too many sign-in attempts on this server right now; try again in a moment", true);
        } catch (TooManyRequestsException e) {
            return e;
        }
        return null;
    }

    /**
     * Runs one password check when a slot is free within {@code password-check-wait}; else 503 with Retry-After, at
     * once, without hashing.
     */
    public boolean checkPassword(BooleanSupplier check) {
        boolean acquired;
        try {
            acquired = checks.tryAcquire(settings.checkWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new BusyException("Too many sign-ins at once; try again in a moment", Duration.ofSeconds(1));
        }
        try {
            return check.getAsBoolean();
        } finally {
            checks.release();
        }
    }

    /** One sign-in attempt, settled once: succeeded, failed, or not checked (given back). */
    public final class Attempt {
        private final String pair;
        private final Failures byPair;
        private final Failures byAddress;
        private boolean settled;

        private Attempt(String pair, Failures byPair, Failures byAddress) {
            this.pair = pair;
            this.byPair = byPair;
            this.byAddress = byAddress;
        }

        /** The right password: the pair starts over, and the attempt does not count against the address. */
        public void succeeded() {
            if (settle()) {
                byAddress.giveBack();
                failuresByPair.remove(pair, byPair);
            }
        }

        /**
         * A wrong password or unknown email. When this failure reaches a limit, the refusal to answer instead of "wrong
         * email or password": the same for known and unknown emails.
         */
        public TooManyRequestsException failed() {
            if (!settle()) {
                return null;
            }
            long now = nanoClock.getAsLong();
            boolean pairBlocked = byPair.failed(now, settings.maxFailuresPerPair(), settings.failureWindow(),
                    settings.lockout());
            boolean addressBlocked = byAddress.failed(now, settings.maxFailuresPerAddress(), settings.failureWindow(),
                    settings.lockout());
            if (pairBlocked || addressBlocked) {
                return new TooManyRequestsException(pairBlocked ? FAILURES_DETAIL : ADDRESS_FAILURES_DETAIL,
                        settings.lockout());
            }
            return null;
        }

        /** The password was never checked (the server was busy, or broke): nothing counts. */
        public void notChecked() {
            if (settle()) {
                byAddress.giveBack();
                byPair.giveBack();
            }
        }

        private synchronized boolean settle() {
            boolean first = !settled;
            settled = true;
            return first;
        }
    }

    /**
     * The key of a client address: IPv4 as is; IPv6 by its /64 network, which one host can fill with addresses.
     */
    static String addressKey(String address) {
        if (address == null || address.isBlank()) {
            return "unknown";
        }
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address.replaceAll("^\\[|]$", "").replaceAll("%.*$", "")).getAddress();
            if (bytes.length == 16) {
                Arrays.fill(bytes, 8, 16, (byte) 0);
                return InetAddress.getByAddress(bytes).getHostAddress() + "/64";
            }
            return InetAddress.getByAddress(bytes).getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }

    /** A bound on memory: drops what has expired, and everything if an attacker still fills the maps. */
    private void bound(long now) {
        if (failuresByPair.size() + failuresByAddress.size() + attemptsByAddress.size() <= MAX_ENTRIES) {
            return;
        }
        failuresByPair.values().removeIf(f -> f.idle(now));
        failuresByAddress.values().removeIf(f -> f.idle(now));
        attemptsByAddress.values().removeIf(b -> b.full(now));
        if (failuresByPair.size() + failuresByAddress.size() + attemptsByAddress.size() > MAX_ENTRIES) {
            failuresByPair.clear();
            failuresByAddress.clear();
            attemptsByAddress.clear();
        }
    }

    /** A token bucket of {@code perMinute} attempts, refilled evenly. */
    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long updated;

        Bucket(int perMinute, long now) {
            this.capacity = Math.max(1, perMinute);
            this.perNano = capacity / 60e9;
            this.tokens = capacity;
            this.updated = now;
        }

        /** Takes one attempt, or refuses: 503 when {@code serverWide}, else 429; both say when to come back. */
        synchronized void take(long now, String refusal, boolean serverWide) {
            refill(now);
            if (tokens < 1) {
                Duration wait = Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
                throw serverWide ? new BusyException(refusal, wait) : new TooManyRequestsException(refusal, wait);
            }
            tokens -= 1;
        }

        synchronized void refuseIfEmpty(long now, String refusal, boolean serverWide) {
            refill(now);
            if (tokens < 1) {
                Duration wait = Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
                throw serverWide ? new BusyException(refusal, wait) : new TooManyRequestsException(refusal, wait);
            }
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= capacity;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (now - updated) * perNano);
            updated = now;
        }
    }

    /**
     * Failures in a window of {@code failure-window} that starts with the first one, and attempts still being checked.
     * Reaching the limit blocks until {@code lockout} after the failure that reached it.
     */
    private static final class Failures {
        private int failures;
        private int inFlight;
        private boolean inWindow;
        private long windowEnd;
        private boolean blocked;
        private long blockedUntil;

        private void expire(long now) {
            if (blocked && now - blockedUntil >= 0) {
                blocked = false;
                failures = 0;
                inWindow = false;
            }
            if (!blocked && inWindow && now - windowEnd >= 0) {
                failures = 0;
                inWindow = false;
            }
        }

        synchronized void refuseIfBlocked(long now, String detail) {
            expire(now);
            if (blocked) {
                throw new TooManyRequestsException(detail, Duration.ofNanos(blockedUntil - now));
            }
        }

        synchronized void refuseIfFull(long now, int limit, String detail) {
            expire(now);
            if (failures + inFlight >= limit) { // what is left of the allowance is taken by attempts being checked
                throw new TooManyRequestsException(detail, Duration.ofSeconds(1));
            }
        }

        synchronized void reserve(long now, int limit, String detail) {
            refuseIfFull(now, limit, detail);
            inFlight++;
        }

        /** Counts a failure; answers whether it reached the limit (and so blocks for {@code lockout}). */
        synchronized boolean failed(long now, int limit, Duration window, Duration lockout) {
            inFlight = Math.max(0, inFlight - 1);
            expire(now);
            if (!inWindow) {
                inWindow = true;
                windowEnd = now + window.toNanos();
            }
            failures++;
            if (failures >= limit) {
                blocked = true;
                blockedUntil = now + lockout.toNanos();
                return true;
            }
            return false;
        }

        synchronized void giveBack() {
            inFlight = Math.max(0, inFlight - 1);
        }

        synchronized boolean idle(long now) {
            expire(now);
            return failures == 0 && inFlight == 0 && !blocked;
        }
    }
}
