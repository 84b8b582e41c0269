package io.rowflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
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

    /**
     * HubSpot's headers lead the budget: the window it states (20 per 1 s, not the published 100 per 10 s), and the
     * requests of others on the account it counts (Remaining lower than this budget's own count).
     */
    @Test
    void theApisHeadersSetTheWindowAndCountOthersRequests() {
        AtomicLong now = new AtomicLong(1);
        RequestBudget budget = new RequestBudget("HubSpot", RateLimitHeaders.HUBSPOT, 100, Duration.ofSeconds(10), now::get);
        RequestBudget.Ticket first = budget.acquire();
        budget.answered(first);
        budget.observe(name -> java.util.Optional.ofNullable(Map.of("X-HubSpot-RateLimit-Max", "20",
                "X-HubSpot-RateLimit-Remaining", "9", "X-HubSpot-RateLimit-Interval-Milliseconds", "1000").get(name)));
        // 20 - 9 = 11 counted by HubSpot, 1 of them sent here: 10 others; 9 more fit in the window.
        for (int i = 0; i < 9; i++) {
            assertThat(budget.take()).isZero();
        }
        Thread mover = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                now.addAndGet(100_000_000);
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
        // The 21st waits for the stated window (1 s, 5% more for the way there), not for 10 s.
        assertThat(waited).isPositive().isLessThanOrEqualTo(1_050_000_000L);
        assertThat(now.get()).isGreaterThanOrEqualTo(1_050_000_001L);
    }

    /** A fixed window used up (X-RateLimit-Remaining 0) holds every request until its reset. */
    @Test
    void aUsedUpFixedWindowWaitsForItsReset() {
        AtomicLong now = new AtomicLong(1);
        RequestBudget budget = new RequestBudget("Jira", RateLimitHeaders.X_RATELIMIT, Integer.MAX_VALUE,
                Duration.ofSeconds(1), now::get);
        assertThat(budget.take()).isZero();
        budget.observe(name -> java.util.Optional.ofNullable(Map.of("X-RateLimit-Limit", "100", "X-RateLimit-Remaining",
                "0", "X-RateLimit-Reset", "3").get(name)));
        Thread mover = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                now.addAndGet(100_000_000);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        mover.start();
        long waited = budget.take();
        mover.interrupt();
        assertThat(waited).isPositive();
        assertThat(now.get()).as("not before the reset, 3 s on").isGreaterThanOrEqualTo(3_000_000_001L);
    }
}
