package io.rowflow.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rowflow.common.error.BusyException;
import io.rowflow.common.error.TooManyRequestsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The sign-in throttle on a clock the test moves: no sleeping, exact answers. */
class SignInThrottleTest {
    final AtomicLong nanos = new AtomicLong(1_000);

    SignInThrottle throttle(int perMinute, int perMinutePerAddress, int perPair, int perAddress, int checks) {
        return new SignInThrottle(new SignInThrottle.Settings(perMinute, perMinutePerAddress, perPair, perAddress,
                Duration.ofMinutes(15), Duration.ofMinutes(15), checks, 2, Duration.ofMillis(50)), nanos::get);
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** Fails one attempt; answers the refusal it produced (null: "wrong email or password"). */
    static TooManyRequestsException fail(SignInThrottle t, String email, String address) {
        return t.begin(email, address).failed();
    }

    @Test
    void thePairWaitsAfterFiveFailuresWhileTheAccountStaysOpenToOtherAddresses() {
        SignInThrottle t = throttle(1000, 1000, 5, 20, 1);
        for (int i = 0; i < 4; i++) {
            assertThat(fail(t, "owner@x.test", "203.0.113.9")).isNull();
        }
        TooManyRequestsException fifth = fail(t, "owner@x.test", "203.0.113.9");
        assertThat(fifth.getMessage()).isEqualTo(SignInThrottle.FAILURES_DETAIL);
        assertThat(fifth.retryAfter()).isEqualTo(Duration.ofMinutes(15));
        advance(Duration.ofMinutes(5));
        assertThatThrownBy(() -> t.begin("owner@x.test", "203.0.113.9")).isInstanceOfSatisfying(
                TooManyRequestsException.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(10)));
        // The owner, from home, is not locked out; another email from the attacker's address is not either.
        t.begin("owner@x.test", "198.51.100.7").succeeded();
        t.begin("other@x.test", "203.0.113.9").failed();
        advance(Duration.ofMinutes(10));
        assertThat(fail(t, "owner@x.test", "203.0.113.9")).isNull();
    }

    @Test
    void anAddressFailingWithManyEmailsWaitsForAllOfThem() {
        SignInThrottle t = throttle(1000, 1000, 5, 3, 1);
        assertThat(fail(t, "a@x.test", "203.0.113.9")).isNull();
        assertThat(fail(t, "b@x.test", "203.0.113.9")).isNull();
        assertThat(fail(t, "c@x.test", "203.0.113.9").getMessage()).isEqualTo(SignInThrottle.ADDRESS_FAILURES_DETAIL);
        assertThatThrownBy(() -> t.begin("d@x.test", "203.0.113.9")).isInstanceOf(TooManyRequestsException.class)
                .hasMessage(SignInThrottle.ADDRESS_FAILURES_DETAIL);
        t.begin("d@x.test", "198.51.100.7").succeeded();
    }

    @Test
    void successStartsThePairOverAndDoesNotCountAgainstTheAddress() {
        SignInThrottle t = throttle(1000, 1000, 3, 3, 1);
        fail(t, "me@x.test", "192.0.2.1");
        fail(t, "me@x.test", "192.0.2.1");
        t.begin("me@x.test", "192.0.2.1").succeeded();
        assertThat(fail(t, "me@x.test", "192.0.2.1")).isNotNull(); // the address: its third failure
        SignInThrottle u = throttle(1000, 1000, 3, 10, 1);
        fail(u, "me@x.test", "192.0.2.1");
        fail(u, "me@x.test", "192.0.2.1");
        u.begin("me@x.test", "192.0.2.1").succeeded();
        assertThat(fail(u, "me@x.test", "192.0.2.1")).isNull();
        assertThat(fail(u, "me@x.test", "192.0.2.1")).isNull();
    }

    @Test
    void attemptsInFlightCountSoAParallelBurstCannotAllGetThrough() {
        SignInThrottle t = throttle(1000, 1000, 5, 20, 1);
        List<SignInThrottle.Attempt> open = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            open.add(t.begin("victim@x.test", "203.0.113.9"));
        }
        assertThatThrownBy(() -> t.begin("victim@x.test", "203.0.113.9")).isInstanceOf(TooManyRequestsException.class);
        open.get(0).notChecked(); // never checked (busy): it is given back
        t.begin("victim@x.test", "203.0.113.9");
    }

    @Test
    void attemptRatesPerAddressAndServerWideAreLimitedBeforeAnyCheck() {
        SignInThrottle t = throttle(1000, 2, 5, 20, 1);
        t.begin("a@x.test", "192.0.2.1").succeeded();
        t.begin("a@x.test", "192.0.2.1").succeeded();
        assertThatThrownBy(() -> t.begin("a@x.test", "192.0.2.1")).isInstanceOfSatisfying(TooManyRequestsException.class,
                e -> {
                    assertThat(e).isNotInstanceOf(BusyException.class);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
                });
        advance(Duration.ofSeconds(30));
        t.begin("a@x.test", "192.0.2.1").succeeded();

        SignInThrottle server = throttle(3, 1000, 5, 20, 1);
        server.begin("a@x.test", "192.0.2.1").succeeded();
        server.begin("b@x.test", "192.0.2.2").succeeded();
        server.begin("c@x.test", "192.0.2.3").succeeded();
        assertThatThrownBy(() -> server.begin("d@x.test", "192.0.2.4")).isInstanceOfSatisfying(BusyException.class,
                e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(20)));
    }

    @Test
    void passwordChecksBeyondTheBoundFailFastWith503() throws Exception {
        SignInThrottle t = throttle(1000, 1000, 5, 20, 1);
        CountDownLatch checking = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            Future<Boolean> first = pool.submit(() -> t.checkPassword(() -> {
                checking.countDown();
                try {
                    return release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(checking.await(5, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            assertThatThrownBy(() -> t.checkPassword(() -> true)).isInstanceOfSatisfying(BusyException.class,
                    e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1)));
            // Waiting for the first check would take until its release (5 s); refusing at once takes no time.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(t.checkPassword(() -> true)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void atMostMaxInProgressSignInsAreHandledAtOnce() {
        SignInThrottle t = throttle(1000, 1000, 5, 20, 1);
        assertThat(t.enter()).isNull();
        assertThat(t.enter()).isNull();
        assertThat(t.enter()).isInstanceOf(BusyException.class);
        t.leave();
        assertThat(t.enter()).isNull();
    }

    @Test
    void ipv6AddressesCountByTheirSlash64() {
        assertThat(SignInThrottle.addressKey("2001:db8:1:2:aaaa::1")).isEqualTo(SignInThrottle.addressKey("2001:db8:1:2::ffff"))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(SignInThrottle.addressKey("2001:db8:1:3::1")).isNotEqualTo(SignInThrottle.addressKey("2001:db8:1:2::1"));
        assertThat(SignInThrottle.addressKey("192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(SignInThrottle.addressKey(null)).isEqualTo("unknown");
    }
}
