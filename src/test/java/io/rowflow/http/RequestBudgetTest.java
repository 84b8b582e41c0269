package io.rowflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The proactive budget with a clock the test moves: HubSpot's 100 requests per rolling 10 s. */
class RequestBudgetTest {
    @Test
    void theHundredAndFirstRequestWaitsForTheOldestToLeaveTheWindow() {
        AtomicLong now = new AtomicLong();
        RequestBudget budget = new RequestBudget(100, Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 100; i++) {
            now.addAndGet(10_000_000); // one request every 10 ms
            assertThat(budget.take()).isZero();
        }
        // The window is full; the first request (at 10 ms) leaves it at 10.010 s. The clock moves as the budget sleeps
        // only in real time, so a real thread moves it for the test.
        Thread mover = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                now.addAndGet(1_000_000_000);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        mover.start();
        long waited = budget.take();
        mover.interrupt();
        assertThat(waited).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(now.get()).isGreaterThanOrEqualTo(10_010_000_000L);
    }
}
