package io.rowflow.testing;

import io.rowflow.http.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * A test's time: it stands still until something waits, and each wait moves it on at once and is recorded, so a test
 * asserts how long the code waited (a 429's 30 s) without sleeping.
 */
public final class RecordedTime implements TimeSource {
    /**
     * Jitter drawn at the top of every range: a backoff is its longest (1 s, 2 s, 4 s… as the settings say), so a test
     * can name it exactly.
     */
    public static final RandomGenerator LONGEST_BACKOFF = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    private final Instant start;
    private final AtomicLong nanos = new AtomicLong();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    public RecordedTime(Instant start) {
        this.start = start;
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public Instant now() {
        return start.plusNanos(nanos.get());
    }

    @Override
    public void sleep(Duration wait) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        waits.add(wait);
        nanos.addAndGet(wait.toNanos());
    }

    /** Time passing while nothing waits (other work, another request's answer). */
    public void pass(Duration time) {
        nanos.addAndGet(time.toNanos());
    }

    /** Every wait so far, in order. */
    public List<Duration> waits() {
        return List.copyOf(waits);
    }
}
