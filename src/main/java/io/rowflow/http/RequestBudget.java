package io.rowflow.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A rolling-window request budget, kept before each request rather than learned from 429s: at most {@code requests}
 * in any {@code window} (HubSpot: 100 per 10 s per account). Shared by every read on one upstream account in this node.
 * Where the API states its limit in its answers ({@link RateLimitHeaders}), the budget follows what it says: the
 * window's size and length, the requests others made on the account (counted as if made now), and a fixed window's
 * reset when nothing is left.
 */
public final class RequestBudget {
    public static final RequestBudget UNLIMITED = new RequestBudget(Integer.MAX_VALUE, Duration.ofSeconds(1), TimeSource.SYSTEM);
    /**
     * The API counts a request when it arrives, a little after it is taken from the budget: a 5% longer window keeps
     * the 101st request from arriving inside the API's window of the first.
     */
    private static final int MARGIN_PERCENT = 5;

    private final String name;
    private final RateLimitHeaders headers;
    private int requests;
    private long windowNanos;
    /** Where the budget reads the time and waits: the system's, or a test's that waits without sleeping. */
    private final TimeSource time;
    /** When each request in the window was counted (nanoTime), each in a cell of its own to move it to its answer. */
    private final Deque<long[]> sent = new ArrayDeque<>();
    /** A fixed window used up: nothing is sent before this time (nanoTime), 0 when not paused. */
    private long pausedUntil;
    /** How long the API refuses everything after a 429 that names no wait (Airtable: 30 s); null when unsaid. */
    private final Duration waitAfter429;
    /** The answer header in which the API says whether a retry may succeed (Stripe-Should-Retry); null when none. */
    private final String shouldRetryHeader;

    /** A budget reading {@code nanoClock} and waiting for real. */
    public RequestBudget(int requests, Duration window, LongSupplier nanoClock) {
        this("", RateLimitHeaders.NONE, requests, window, nanoClock);
    }

    public RequestBudget(int requests, Duration window, TimeSource time) {
        this("", RateLimitHeaders.NONE, requests, window, time, null, null);
    }

    /**
     * {@code name}: what the budget is for, as a user reads it ("HubSpot"); {@code headers}: how the API states its
     * limit, to follow it; {@code requests} per {@code window}: the published limit, until the API says otherwise.
     */
    public RequestBudget(String name, RateLimitHeaders headers, int requests, Duration window, LongSupplier nanoClock) {
        this(name, headers, requests, window, realWaits(nanoClock), null, null);
    }

    /** As above, the time read and waited through {@code time}. */
    public RequestBudget(String name, RateLimitHeaders headers, int requests, Duration window, TimeSource time) {
        this(name, headers, requests, window, time, null, null);
    }

    private RequestBudget(String name, RateLimitHeaders headers, int requests, Duration window, TimeSource time,
            Duration waitAfter429, String shouldRetryHeader) {
        this.waitAfter429 = waitAfter429;
        this.shouldRetryHeader = shouldRetryHeader;
        this.name = name;
        this.headers = headers;
        this.requests = requests;
        this.windowNanos = window.toNanos();
        this.time = time;
    }

    /** A clock given as nanoTime alone, with the system's instant and real waits. */
    private static TimeSource realWaits(LongSupplier nanoClock) {
        return new TimeSource() {
            @Override
            public long nanoTime() {
                return nanoClock.getAsLong();
            }

            @Override
            public java.time.Instant now() {
                return java.time.Instant.now();
            }

            @Override
            public void sleep(Duration wait) throws InterruptedException {
                TimeSource.SYSTEM.sleep(wait);
            }
        };
    }

    public static RequestBudget of(int requests, Duration window) {
        return new RequestBudget(requests, window, TimeSource.SYSTEM);
    }

    /**
     * A budget for {@code name} that starts from a published limit (null: none) and follows the API's headers;
     * {@code waitAfter429} is how long the API shuts requests out after a 429 that names no wait (null: unsaid).
     */
    public static RequestBudget following(String name, RateLimitHeaders headers, Integer requests, Duration window,
            Duration waitAfter429) {
        return following(name, headers, requests, window, waitAfter429, null, TimeSource.SYSTEM);
    }

    /**
     * As above; {@code shouldRetryHeader} names the answer header in which the API says whether retrying may succeed
     * (Stripe-Should-Retry: true or false; null when it has none), and {@code time} is where the budget reads the
     * time and waits.
     */
    public static RequestBudget following(String name, RateLimitHeaders headers, Integer requests, Duration window,
            Duration waitAfter429, String shouldRetryHeader, TimeSource time) {
        return requests == null ? new RequestBudget(name, headers, Integer.MAX_VALUE, Duration.ofSeconds(1), time,
                waitAfter429, shouldRetryHeader)
                : new RequestBudget(name, headers, requests, withMargin(window), time, waitAfter429, shouldRetryHeader);
    }

    /** How long to wait after a 429 that names no wait, as the API documents it; null to back off instead. */
    public Duration waitAfter429() {
        return waitAfter429;
    }

    /** The header in which the API's answers say whether a retry may succeed; null when it has none. */
    public String shouldRetryHeader() {
        return shouldRetryHeader;
    }

    /** Where this budget reads the time and waits. */
    public TimeSource time() {
        return time;
    }

    private static Duration withMargin(Duration window) {
        return window.multipliedBy(100 + MARGIN_PERCENT).dividedBy(100);
    }

    /** What the budget is for ("HubSpot"), empty when unnamed. */
    public String name() {
        return name;
    }

    /** Waits until a request fits in the window, then counts it. Answers how long it waited, in nanoseconds. */
    public long take() {
        return acquire().waitedNanos();
    }

    /**
     * A request counted in the window: how long it waited for its place, and its place, to move to the time of its
     * answer ({@link #answered}).
     */
    public record Ticket(long waitedNanos, long[] counted) {
    }

    private static final Ticket FREE = new Ticket(0, new long[2]);

    /** As {@link #take()}, answering the request's place in the window. */
    public Ticket acquire() {
        return acquire(true);
    }

    /**
     * Waits until a request would fit, without counting one: a caller about to pick a short-lived credential for the
     * request (an OAuth token) waits first, so the credential is not spent waiting.
     */
    public void awaitRoom() {
        acquire(false);
    }

    private Ticket acquire(boolean count) {
        if (this == UNLIMITED) {
            return FREE;
        }
        long waited = 0;
        while (true) {
            long wait;
            synchronized (this) {
                long now = time.nanoTime();
                prune(now);
                if (pausedUntil != 0 && now - pausedUntil < 0) {
                    wait = pausedUntil - now;
                } else if (sent.size() < requests) {
                    if (!count) {
                        return FREE;
                    }
                    pausedUntil = 0;
                    long[] counted = { now, 0 }; // when, and whether the answer came
                    if (requests != Integer.MAX_VALUE) {
                        sent.addLast(counted);
                    }
                    return new Ticket(waited, counted);
                } else {
                    wait = windowNanos - (now - sent.peekFirst()[0]);
                }
            }
            try {
                time.sleep(Duration.ofNanos(wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("Interrupted while waiting for the API's request budget");
            }
            waited += wait;
        }
    }

    /**
     * The request was answered: it stays in the window from now on. The API counted it when it arrived, somewhere
     * between its place being taken and its answer; counting from the answer keeps the window ahead of the API's
     * however slow the way there was. Only the first call counts.
     */
    public void answered(Ticket ticket) {
        if (ticket != FREE) {
            synchronized (this) {
                if (ticket.counted()[1] == 0) {
                    ticket.counted()[0] = time.nanoTime();
                    ticket.counted()[1] = 1;
                }
            }
        }
    }

    /**
     * How long the budget still holds every request back: the rest of a used-up fixed window, until its reset
     * (Pipedrive's x-ratelimit-reset seconds); zero when it holds none.
     */
    public synchronized Duration heldFor() {
        if (pausedUntil == 0) {
            return Duration.ZERO;
        }
        long left = pausedUntil - time.nanoTime();
        return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Follows what one answer of the API says about its limit (nothing when it says nothing). */
    public void observe(Function<String, Optional<String>> header) {
        if (this == UNLIMITED) {
            return;
        }
        headers.read(header).ifPresent(this::observe);
    }

    public synchronized void observe(RateLimitHeaders.State state) {
        long now = time.nanoTime();
        if (state.rolling() && state.window() != null && state.limit() > 0) {
            requests = state.limit();
            windowNanos = withMargin(state.window()).toNanos();
            prune(now);
            // Requests the API counted that this budget did not send (other nodes, other tools on the account).
            int others = (state.limit() - state.remaining()) - sent.size();
            for (int i = 0; i < others && sent.size() < requests; i++) {
                sent.addLast(new long[] { now, 1 });
            }
        } else if (!state.rolling() && state.remaining() <= 0 && state.window() != null) {
            pausedUntil = now + state.window().toNanos();
            if (pausedUntil == 0) {
                pausedUntil = 1;
            }
        }
    }

    private void prune(long now) {
        // Answers may move a place later than the next one's: the first leaving first keeps the window safe.
        while (!sent.isEmpty() && now - sent.peekFirst()[0] >= windowNanos) {
            sent.pollFirst();
        }
    }
}
