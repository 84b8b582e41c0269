package io.rowflow.http;

import java.time.Duration;
import java.time.Instant;

/**
 * Time as the HTTP layer sees it: a monotonic clock, the wall-clock instant, and a way to wait. The HTTP client, the
 * request budgets and the query-cost budget all wait through one, so a test can let time pass (and record each wait)
 * without sleeping.
 */
public interface TimeSource {
    /** A monotonic clock, as {@link System#nanoTime()}: only differences mean anything. */
    long nanoTime();

    /** The wall-clock instant: a Retry-After date and a rate limit's reset time are measured from it. */
    Instant now();

    /** Waits {@code wait}; interrupted, it throws, so a cancelled run does not sit out a rate limit. */
    void sleep(Duration wait) throws InterruptedException;

    /** The system's clocks, waiting for real. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(Duration wait) throws InterruptedException {
            long nanos = wait.toNanos();
            if (nanos > 0) {
                // A part of a millisecond is slept as one, never as a busy loop.
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            } else if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    };
}
