package io.rowflow.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.function.LongSupplier;

/**
 * A rolling-window request budget, kept before each request rather than learned from 429s: at most {@code requests}
 * in any {@code window} (HubSpot: 100 per 10 s per account). Shared by every read on one credential in this node.
 */
public final class RequestBudget {
    public static final RequestBudget UNLIMITED = new RequestBudget(Integer.MAX_VALUE, Duration.ofSeconds(1), System::nanoTime);

    private final int requests;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Deque<Long> sent = new ArrayDeque<>();

    public RequestBudget(int requests, Duration window, LongSupplier nanoClock) {
        this.requests = requests;
        this.windowNanos = window.toNanos();
        this.clock = nanoClock;
    }

    public static RequestBudget of(int requests, Duration window) {
        return new RequestBudget(requests, window, System::nanoTime);
    }

    /** Waits until a request fits in the window, then counts it. Answers how long it waited, in nanoseconds. */
    public long take() {
        if (requests == Integer.MAX_VALUE) {
            return 0;
        }
        long waited = 0;
        while (true) {
            long wait;
            synchronized (this) {
                long now = clock.getAsLong();
                while (!sent.isEmpty() && now - sent.peekFirst() >= windowNanos) {
                    sent.pollFirst();
                }
                if (sent.size() < requests) {
                    sent.addLast(now);
                    return waited;
                }
                wait = windowNanos - (now - sent.peekFirst());
            }
            try {
                Thread.sleep(Math.max(1, wait / 1_000_000), (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("Interrupted while waiting for the API's request budget");
            }
            waited += wait;
        }
    }
}
