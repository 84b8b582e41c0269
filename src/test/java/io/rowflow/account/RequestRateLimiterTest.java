package io.rowflow.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rowflow.common.error.TooManyRequestsException;
import io.rowflow.workspace.Role;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestRateLimiterTest {
    static AccountConfig perMinute(int limit) {
        return new AccountConfig() {
            public Optional<String> adminEmail() {
                return Optional.empty();
            }

            public Optional<String> adminPassword() {
                return Optional.empty();
            }

            public Duration sessionTimeout() {
                return Duration.ofHours(1);
            }

            public int maxFailedSignIns() {
                return 5;
            }

            public Duration lockout() {
                return Duration.ofMinutes(1);
            }

            public Optional<Role> oidcNewUserRole() {
                return Optional.empty();
            }

            public int requestsPerMinute() {
                return limit;
            }

            public SignInThrottling signIn() {
                throw new UnsupportedOperationException("not used by the request limiter");
            }
        };
    }

    @Test
    void eachCredentialHasItsOwnBucketAndAnEmptyOneSaysWhenToComeBack() {
        RequestRateLimiter limiter = new RequestRateLimiter(perMinute(3));
        for (int i = 0; i < 3; i++) {
            limiter.acquire("token:a");
        }
        assertThatThrownBy(() -> limiter.acquire("token:a")).isInstanceOfSatisfying(TooManyRequestsException.class,
                e -> assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20)));
        limiter.acquire("token:b"); // another caller is not slowed down
    }

    @Test
    void theBucketRefillsOverTime() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        RequestRateLimiter limiter = new RequestRateLimiter(perMinute(600), clock::get); // 10 a second
        for (int i = 0; i < 600; i++) {
            limiter.acquire("session:x");
        }
        assertThatThrownBy(() -> limiter.acquire("session:x")).isInstanceOfSatisfying(TooManyRequestsException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMillis(100)));
        clock.addAndGet(Duration.ofMillis(99).toNanos());
        assertThatThrownBy(() -> limiter.acquire("session:x")).isInstanceOf(TooManyRequestsException.class);
        clock.addAndGet(Duration.ofMillis(11).toNanos()); // past a tenth of a second: one request's worth, not two
        limiter.acquire("session:x");
        assertThatThrownBy(() -> limiter.acquire("session:x")).isInstanceOf(TooManyRequestsException.class);
    }
}
