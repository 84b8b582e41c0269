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
    void theBucketRefillsOverTime() throws Exception {
        RequestRateLimiter limiter = new RequestRateLimiter(perMinute(600)); // 10 a second
        for (int i = 0; i < 600; i++) {
            limiter.acquire("session:x");
        }
        assertThatThrownBy(() -> limiter.acquire("session:x")).isInstanceOf(TooManyRequestsException.class);
        Thread.sleep(250);
        limiter.acquire("session:x");
    }
}
