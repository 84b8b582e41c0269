package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.RateLimitHeaders;
import io.rowflow.http.RequestBudget;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.testing.FakeHttp;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Pipedrive's burst window as its answers state it (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting):
 * {@code x-ratelimit-limit}, {@code x-ratelimit-remaining} and {@code x-ratelimit-reset}, the seconds left in the
 * 2-second window, lower-case as Pipedrive sends them. The budget the manifest declares reads them through the real
 * HTTP client; a page that leaves nothing (remaining 0) holds the next request until the window resets. The clock is
 * the test's, moved by a thread, so nothing here depends on how fast the machine is.
 */
class PipedriveRateLimitTest {
    private static Manifest pipedrive() {
        return ManifestLoader.loadAll().stream().filter(m -> m.id().equals("pipedrive")).findFirst().orElseThrow();
    }

    @Test
    void theManifestFollowsPipedrivesHeadersFromTheSmallestPlansBudget() {
        Manifest.RateLimit limit = pipedrive().rateLimit();
        assertThat(limit.headers()).isEqualTo("x-ratelimit");
        assertThat(limit.requests()).isEqualTo(20);
        assertThat(limit.per()).isEqualTo(Duration.ofSeconds(2));
        // The reader the manifest names understands Pipedrive's answer, seconds left included.
        Map<String, String> answer = Map.of("X-RateLimit-Limit", "40", "X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", "2");
        assertThat(RateLimitHeaders.named(limit.headers()).read(name -> java.util.Optional.ofNullable(answer.get(name))))
                .contains(new RateLimitHeaders.State(40, 0, Duration.ofSeconds(2), false));
    }

    @Test
    void aPageLeavingNoRequestsHoldsTheNextUntilTheWindowResets() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        List<Long> arrivals = new CopyOnWriteArrayList<>(); // on the test's clock
        AtomicInteger served = new AtomicInteger();
        HttpServer server = FakeHttp.serve(exchange -> {
            try (exchange) {
                arrivals.add(now.get());
                // The first page uses up the window: 2 s until it resets.
                String remaining = served.getAndIncrement() == 0 ? "0" : "39";
                FakeHttp.json(exchange, 200, Map.of("success", true, "data", List.of(), "additional_data",
                        Map.of()), Map.of("x-ratelimit-limit", "40", "x-ratelimit-remaining", remaining,
                        "x-ratelimit-reset", "2"));
            }
        });
        Manifest.RateLimit limit = pipedrive().rateLimit();
        RequestBudget budget = new RequestBudget("Pipedrive", RateLimitHeaders.named(limit.headers()), limit.requests(),
                limit.per(), now::get);
        Thread mover = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                now.addAndGet(50_000_000); // 50 ms of the test's clock every 2 ms
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try (SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of(
                "127.0.0.0/8")))) {
            URI deals = URI.create(FakeHttp.baseUrl(server) + "/api/v2/deals?limit=500");
            http.execute(HttpRequestSpec.get(deals, Map.of()), body -> null, budget);
            long firstAnswered = now.get();
            mover.start();
            http.execute(HttpRequestSpec.get(deals, Map.of()), body -> null, budget);
            assertThat(arrivals).hasSize(2);
            assertThat(arrivals.get(1) - firstAnswered).as("the second request's wait on the test's clock, in ns")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(2).toNanos());
            // Once the window has reset, a request that leaves some goes at once.
            long before = now.get();
            mover.interrupt();
            mover.join();
            long stopped = now.get();
            http.execute(HttpRequestSpec.get(deals, Map.of()), body -> null, budget);
            assertThat(arrivals.get(2)).as("no wait after a page with requests left").isEqualTo(stopped);
            assertThat(stopped).isGreaterThanOrEqualTo(before);
        } finally {
            mover.interrupt();
            server.stop(0);
        }
    }
}
