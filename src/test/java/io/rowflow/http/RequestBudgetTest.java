package io.rowflow.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.rowflow.testing.RecordedTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proactive budget on a test's time, which stands still until the budget waits: HubSpot's 100 requests per rolling
 * 10 s, the window HubSpot's headers state, and Jira's fixed window. Each wait is asserted to the nanosecond.
 */
class RequestBudgetTest {
    private final RecordedTime time = new RecordedTime(Instant.parse("2026-12-01T12:00:00Z"));

    @Test
    void theHundredAndFirstRequestWaitsForTheOldestToLeaveTheWindow() {
        RequestBudget budget = new RequestBudget(100, Duration.ofSeconds(10), time);
        for (int i = 0; i < 100; i++) {
            time.pass(Duration.ofMillis(10)); // one request every 10 ms
            assertThat(budget.take()).isZero();
        }
        // The window is full at 1.000 s; the first request (at 10 ms) leaves it at 10.010 s: 9.010 s on.
        assertThat(budget.take()).isEqualTo(Duration.ofMillis(9010).toNanos());
        assertThat(time.waits()).containsExactly(Duration.ofMillis(9010));
        assertThat(time.nanoTime()).isEqualTo(Duration.ofMillis(10_010).toNanos());
    }

    /**
     * HubSpot's headers lead the budget: the window it states (20 per 1 s, not the published 100 per 10 s), and the
     * requests of others on the account it counts (Remaining lower than this budget's own count).
     */
    @Test
    void theApisHeadersSetTheWindowAndCountOthersRequests() {
        RequestBudget budget = new RequestBudget("HubSpot", RateLimitHeaders.HUBSPOT, 100, Duration.ofSeconds(10), time);
        RequestBudget.Ticket first = budget.acquire();
        budget.answered(first);
        budget.observe(name -> java.util.Optional.ofNullable(Map.of("X-HubSpot-RateLimit-Max", "20",
                "X-HubSpot-RateLimit-Remaining", "9", "X-HubSpot-RateLimit-Interval-Milliseconds", "1000").get(name)));
        // 20 - 9 = 11 counted by HubSpot, 1 of them sent here: 10 others; 9 more fit in the window.
        for (int i = 0; i < 9; i++) {
            assertThat(budget.take()).isZero();
        }
        // The 21st waits for the stated window (1 s, 5% more for the way there), not for 10 s.
        assertThat(budget.take()).isEqualTo(1_050_000_000L);
        assertThat(time.waits()).containsExactly(Duration.ofMillis(1050));
    }

    /** A fixed window used up (X-RateLimit-Remaining 0) holds every request until its reset. */
    @Test
    void aUsedUpFixedWindowWaitsForItsReset() {
        RequestBudget budget = new RequestBudget("Jira", RateLimitHeaders.X_RATELIMIT, Integer.MAX_VALUE,
                Duration.ofSeconds(1), time);
        assertThat(budget.take()).isZero();
        budget.observe(name -> java.util.Optional.ofNullable(Map.of("X-RateLimit-Limit", "100", "X-RateLimit-Remaining",
                "0", "X-RateLimit-Reset", "3").get(name)));
        assertThat(budget.take()).as("not before the reset, 3 s on").isEqualTo(3_000_000_000L);
        assertThat(time.waits()).containsExactly(Duration.ofSeconds(3));
    }

    /** A wait is interruptible: a cancelled run stops waiting for the budget. */
    @Test
    void aWaitEndsWhenTheThreadIsInterrupted() {
        RequestBudget budget = new RequestBudget(1, Duration.ofSeconds(10), time);
        budget.take();
        Thread.currentThread().interrupt();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(budget::take)
                    .isInstanceOf(java.util.concurrent.CancellationException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(time.waits()).isEmpty();
    }
}
