package io.rowflow.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rowflow.common.error.UpstreamException;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.FakeHttp;
import io.rowflow.testing.RecordedTime;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.message.BasicHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client against a real local server: the guard, redirects, retries and Retry-After, the size cap. Waits pass
 * on a {@link RecordedTime}: a test asserts how long the client waited, never how long it took.
 */
class SafeHttpClientTest {
    static FakeApi api;

    @BeforeAll
    static void start() {
        api = new FakeApi(3);
        api.putFile("/a.csv", "x\n1\n");
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    static SafeHttpClient client(HttpSettings settings) {
        return new SafeHttpClient(settings.withBackoff(Duration.ofMillis(10), Duration.ofMillis(50)));
    }

    static SafeHttpClient loopbackAllowed() {
        return client(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8")));
    }

    static final java.time.Instant NOW = java.time.Instant.parse("2026-12-01T12:00:00Z");

    /** A client allowed to reach this machine whose waits pass on {@code time}, backoffs at their longest. */
    static SafeHttpClient recording(RecordedTime time, HttpSettings settings) {
        return new SafeHttpClient(settings.withAllowedNetworks(List.of("127.0.0.0/8")), time,
                RecordedTime.LONGEST_BACKOFF);
    }

    static String get(SafeHttpClient client, String url) {
        return client.execute(HttpRequestSpec.get(URI.create(url), Map.of()),
                body -> new String(body.stream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void theGuardRefusesLoopbackBeforeAnyRequestReachesIt() {
        int before = api.hits("/a.csv");
        try (SafeHttpClient strict = client(HttpSettings.defaults())) {
            assertThatThrownBy(() -> get(strict, api.url("/a.csv"))).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("Refused GET http://127.0.0.1:").hasMessageContaining("loopback");
            assertThatThrownBy(() -> get(strict, "http://localhost:1/x")).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("Refused");
        }
        assertThat(api.hits("/a.csv")).isEqualTo(before);
    }

    @Test
    void onlyHttpAndHttpsAreFetched() {
        try (SafeHttpClient client = loopbackAllowed()) {
            for (String url : List.of("file:///etc/passwd", "ftp://example.com/a", "gopher://127.0.0.1:70/", "jar:file:/x!/y")) {
                assertThatThrownBy(() -> get(client, url)).isInstanceOf(UpstreamException.class)
                        .hasMessageContaining("Only http and https");
            }
        }
    }

    @Test
    void redirectsAreFollowedAndEachHopIsChecked() {
        try (SafeHttpClient client = loopbackAllowed()) {
            assertThat(get(client, api.url("/redirect/1?to=/a.csv"))).isEqualTo("x\n1\n");
            assertThatThrownBy(() -> get(client, api.url("/redirect/2?to=http://10.0.0.1/"))).hasMessageContaining("10.0.0.1");
            assertThatThrownBy(() -> get(client, api.url("/redirect/loop"))).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("redirected more than 5 times");
        }
    }

    @Test
    void retryAfterIsHonoured() {
        api.failNext("/a.csv", 1, new FakeApi.Failure(429, "7", "{\"error\":\"slow down\"}"));
        RecordedTime time = new RecordedTime(NOW);
        try (SafeHttpClient client = recording(time, HttpSettings.defaults())) {
            assertThat(get(client, api.url("/a.csv"))).isEqualTo("x\n1\n");
        }
        assertThat(time.waits()).containsExactly(Duration.ofSeconds(7));
    }

    /** A 503 without Retry-After is backed off exponentially: 1 s, then 2 s (the longest of each, as drawn here). */
    @Test
    void failuresAreBackedOffExponentially() {
        api.failNext("/a.csv", 2, new FakeApi.Failure(503, null, "{\"error\":\"unavailable\"}"));
        RecordedTime time = new RecordedTime(NOW);
        try (SafeHttpClient client = recording(time, HttpSettings.defaults())) {
            assertThat(get(client, api.url("/a.csv"))).isEqualTo("x\n1\n");
        }
        assertThat(time.waits()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void aRetryAfterLongerThanAllowedFailsAtOnce() {
        api.failNext("/a.csv", 1, new FakeApi.Failure(503, "3600", "{\"error\":\"maintenance\"}"));
        try (SafeHttpClient client = loopbackAllowed()) {
            assertThatThrownBy(() -> get(client, api.url("/a.csv"))).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("asked to wait 3600 s").hasMessageContaining("may be tried again after")
                    .satisfies(e -> assertThat(((UpstreamException) e).retryAfter()).isEqualTo(Duration.ofSeconds(3600)))
                    .satisfies(e -> assertThat(((UpstreamException) e).upstreamMessage()).contains("maintenance"));
        }
    }

    /** 429s are waited out, not counted as attempts: eight in a row (of five attempts) and the request succeeds. */
    @Test
    void rateLimitWaitsDoNotUseUpTheAttemptsAndAreToldToTheListener() {
        api.failNext("/a.csv", 8, new FakeApi.Failure(429, "2", "{\"error\":\"slow down\"}"));
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordedTime time = new RecordedTime(NOW);
        try (SafeHttpClient client = recording(time, HttpSettings.defaults());
                RateLimitWaits.Scope scope = RateLimitWaits.reportTo(told::add)) {
            assertThat(get(client, api.url("/a.csv"))).isEqualTo("x\n1\n");
        }
        assertThat(told).hasSize(8).allMatch(line -> line.equals("127.0.0.1 asked to wait 2.0 s (rate limit); waiting"));
        assertThat(time.waits()).hasSize(8).containsOnly(Duration.ofSeconds(2));
    }

    /** A 429 that names no wait, from an API that documents one (Airtable: 30 s), waits that long, not a backoff. */
    @Test
    void aDocumentedWaitAfter429IsKeptWhenTheAnswerNamesNone() {
        api.failNext("/a.csv", 1, new FakeApi.Failure(429, null, "{\"errors\":[{\"error\":\"RATE_LIMIT_REACHED\"}]}"));
        RecordedTime time = new RecordedTime(NOW);
        // Airtable: "you will need to wait 30 seconds before subsequent requests will succeed"
        // (https://airtable.com/developers/web/api/rate-limits).
        RequestBudget budget = RequestBudget.following("Airtable", RateLimitHeaders.NONE, 5, Duration.ofSeconds(1),
                Duration.ofSeconds(30), null, time);
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SafeHttpClient client = recording(time, HttpSettings.defaults());
                RateLimitWaits.Scope scope = RateLimitWaits.reportTo(told::add)) {
            String body = client.execute(HttpRequestSpec.get(URI.create(api.url("/a.csv")), Map.of()),
                    answer -> new String(answer.stream().readAllBytes(), StandardCharsets.UTF_8), budget);
            assertThat(body).isEqualTo("x\n1\n");
        }
        assertThat(time.waits()).as("30 s, not the 1-s backoff").containsExactly(Duration.ofSeconds(30));
        assertThat(told).containsExactly("Airtable has no requests left: waiting 30.0 s (rate limit)");
    }

    /**
     * A 429 naming no Retry-After but saying in its headers that the window is used up and when it resets (Pipedrive:
     * x-ratelimit-remaining 0, x-ratelimit-reset in seconds, https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting)
     * waits exactly until the reset, not a backoff, and the budget then lets the request through without more waiting.
     */
    @Test
    void a429SayingWhenItsWindowResetsWaitsForTheReset() {
        String body = "{\"success\":false,\"error\":\"Request over limit\",\"errorCode\":429}";
        RecordedTime time = new RecordedTime(NOW);
        RequestBudget budget = RequestBudget.following("Pipedrive", RateLimitHeaders.X_RATELIMIT, 20,
                Duration.ofSeconds(2), null, null, time);
        try (Script pipedrive = Script.of(List.<Object[]>of(new Object[] { 429, Map.of("x-ratelimit-limit", "20",
                "x-ratelimit-remaining", "0", "x-ratelimit-reset", "2"), body }, new Object[] { 200, Map.of(
                "x-ratelimit-limit", "20", "x-ratelimit-remaining", "19", "x-ratelimit-reset", "2"), "{\"data\":[]}" }));
                SafeHttpClient client = recording(time, HttpSettings.defaults())) {
            String read = client.execute(HttpRequestSpec.get(URI.create(pipedrive.url()), Map.of()),
                    answer -> new String(answer.stream().readAllBytes(), StandardCharsets.UTF_8), budget);
            assertThat(read).isEqualTo("{\"data\":[]}");
        }
        assertThat(time.waits()).containsExactly(Duration.ofSeconds(2));
    }

    /** The waits of one request are bounded in all: past rowflow.http.max-rate-limit-wait it fails, saying when to try. */
    @Test
    void rateLimitWaitsAreBoundedInAll() {
        // Three refusals: two waited out, the third past the bound (none left over for the next test).
        api.failNext("/a.csv", 3, new FakeApi.Failure(429, "20", "{\"error\":\"slow down\"}"));
        RecordedTime time = new RecordedTime(NOW);
        try (SafeHttpClient client = recording(time, HttpSettings.defaults()
                .withRateLimitWaits(Duration.ofSeconds(120), Duration.ofSeconds(50)))) {
            assertThatThrownBy(() -> get(client, api.url("/a.csv"))).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("3 times and waited 40 s, as long as rowflow.http.max-rate-limit-wait allows")
                    // 12:00:00 + the 40 s waited + the 20 s asked
                    .hasMessageContaining("it may be tried again after 2026-12-01T12:01:00Z")
                    .satisfies(e -> assertThat(((UpstreamException) e).retryAfter()).isEqualTo(Duration.ofSeconds(20)))
                    .satisfies(e -> assertThat(((UpstreamException) e).passing()).isTrue());
        }
        assertThat(time.waits()).containsExactly(Duration.ofSeconds(20), Duration.ofSeconds(20));
    }

    @Test
    void clientErrorsAreNotRetried() {
        int before = api.hits("/missing");
        try (SafeHttpClient client = loopbackAllowed()) {
            assertThatThrownBy(() -> get(client, api.url("/missing"))).hasMessageContaining("answered HTTP 404");
        }
        assertThat(api.hits("/missing")).isEqualTo(before + 1);
    }

    @Test
    void theSizeCapStopsReading() {
        try (SafeHttpClient client = client(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8"))
                .withMaxResponseBytes(1000))) {
            assertThatThrownBy(() -> get(client, api.url("/big?bytes=100000"))).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("larger than the limit of 1000 bytes");
        }
    }

    @Test
    void retryAfterReadsSecondsAndDates() {
        java.time.Instant now = java.time.Instant.parse("2015-10-21T07:27:30Z");
        assertThat(SafeHttpClient.retryAfter(new BasicHeader("Retry-After", "2.5"), now)).isEqualTo(Duration.ofMillis(2500));
        assertThat(SafeHttpClient.retryAfter(new BasicHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"), now))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(SafeHttpClient.retryAfter(new BasicHeader("Retry-After", "Wed, 21 Oct 2015 07:27:00 GMT"), now))
                .as("a date passed").isEqualTo(Duration.ZERO);
        assertThat(SafeHttpClient.retryAfter(new BasicHeader("Retry-After", "soon"), now)).isNull();
    }

    /** Without Retry-After, a 429's rate-limit headers say how long: Jira's reset time, HubSpot's window when spent. */
    @Test
    void rateLimitHeadersSayHowLongToWait() {
        var hubspot = new org.apache.hc.core5.http.message.BasicHttpResponse(429);
        hubspot.addHeader("X-HubSpot-RateLimit-Max", "100");
        hubspot.addHeader("X-HubSpot-RateLimit-Remaining", "0");
        hubspot.addHeader("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
        assertThat(SafeHttpClient.rateLimitWait(hubspot, NOW)).isEqualTo(Duration.ofSeconds(10));
        var jira = new org.apache.hc.core5.http.message.BasicHttpResponse(429);
        jira.addHeader("X-RateLimit-Reset", "2026-12-01T12:02Z");
        assertThat(SafeHttpClient.rateLimitWait(jira, NOW)).isEqualTo(Duration.ofMinutes(2));
        jira.addHeader("Retry-After", "3");
        assertThat(SafeHttpClient.rateLimitWait(jira, NOW)).isEqualTo(Duration.ofSeconds(3));
        var plain = new org.apache.hc.core5.http.message.BasicHttpResponse(429);
        plain.addHeader("X-HubSpot-RateLimit-Remaining", "12");
        plain.addHeader("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
        assertThat(SafeHttpClient.rateLimitWait(plain, NOW)).as("requests remain: back off instead").isNull();
    }

    /** Answers in turn with the given (status, headers, body); each request taken is counted. */
    private record Script(com.sun.net.httpserver.HttpServer server, java.util.concurrent.atomic.AtomicInteger hits)
            implements AutoCloseable {
        static Script of(List<Object[]> answers) {
            java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
            com.sun.net.httpserver.HttpServer server = FakeHttp.serve(exchange -> {
                try (exchange) {
                    Object[] answer = answers.get(Math.min(hits.getAndIncrement(), answers.size() - 1));
                    @SuppressWarnings("unchecked")
                    Map<String, String> headers = (Map<String, String>) answer[1];
                    FakeHttp.json(exchange, (Integer) answer[0], new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree((String) answer[2]), headers);
                }
            });
            return new Script(server, hits);
        }

        String url() {
            return FakeHttp.baseUrl(server) + "/v1/charges";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static RequestBudget stripe(RecordedTime time) {
        return RequestBudget.following("Stripe", RateLimitHeaders.NONE, 25, Duration.ofSeconds(1), null,
                "Stripe-Should-Retry", time);
    }

    /**
     * Stripe-Should-Retry: false on an answer its status alone would retry: the request fails at once, with Stripe's
     * message kept (https://docs.stripe.com/error-low-level#idempotency: "false" means a retry won't succeed).
     */
    @Test
    void anApiSayingARetryWouldNotSucceedIsNotRetried() {
        String body = "{\"error\":{\"message\":\"An unknown error occurred\",\"type\":\"api_error\"}}";
        RecordedTime time = new RecordedTime(NOW);
        try (Script stripe = Script.of(List.<Object[]>of(new Object[] { 500, Map.of("Stripe-Should-Retry", "false"),
                body }, new Object[] { 200, Map.of(), "{\"data\":[]}" }));
                SafeHttpClient client = recording(time, HttpSettings.defaults())) {
            assertThatThrownBy(() -> client.execute(HttpRequestSpec.get(URI.create(stripe.url()), Map.of()),
                    answer -> "read", stripe(time))).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("answered HTTP 500")
                    .hasMessageContaining("said in Stripe-Should-Retry that trying again would not succeed")
                    .satisfies(e -> assertThat(((UpstreamException) e).status()).isEqualTo(500))
                    .satisfies(e -> assertThat(((UpstreamException) e).passing()).isFalse())
                    .satisfies(e -> assertThat(((UpstreamException) e).upstreamMessage())
                            .contains("An unknown error occurred"));
            assertThat(stripe.hits().get()).as("requests sent").isEqualTo(1);
        }
        assertThat(time.waits()).isEmpty();
    }

    /**
     * Stripe-Should-Retry: true on an answer its status alone would not retry (409, lock_timeout: "another API request
     * … is currently accessing it", https://docs.stripe.com/error-codes#lock-timeout): retried after a backoff.
     */
    @Test
    void anApiSayingARetryMaySucceedIsRetriedWhateverItsStatus() {
        String lock = "{\"error\":{\"code\":\"lock_timeout\",\"message\":\"This object cannot be accessed right"
                + " now because another API request or Stripe process is currently accessing it.\",\"type\":"
                + "\"invalid_request_error\"}}";
        RecordedTime time = new RecordedTime(NOW);
        try (Script stripe = Script.of(List.<Object[]>of(new Object[] { 409, Map.of("Stripe-Should-Retry", "true"),
                lock }, new Object[] { 200, Map.of(), "{\"data\":[]}" }));
                SafeHttpClient client = recording(time, HttpSettings.defaults())) {
            String read = client.execute(HttpRequestSpec.get(URI.create(stripe.url()), Map.of()),
                    answer -> new String(answer.stream().readAllBytes(), StandardCharsets.UTF_8), stripe(time));
            assertThat(read).isEqualTo("{\"data\":[]}");
            assertThat(stripe.hits().get()).as("requests sent").isEqualTo(2);
        }
        assertThat(time.waits()).as("the first backoff").containsExactly(Duration.ofSeconds(1));
    }

    /** Without the header named (another API's budget), a 409 is not retried and a 500 is, whatever it says. */
    @Test
    void theHeaderCountsOnlyForTheApiThatNamesIt() {
        RecordedTime time = new RecordedTime(NOW);
        RequestBudget other = RequestBudget.following("Other", RateLimitHeaders.NONE, 25, Duration.ofSeconds(1), null,
                null, time);
        try (Script api = Script.of(List.<Object[]>of(new Object[] { 409, Map.of("Stripe-Should-Retry", "true"),
                "{}" }));
                SafeHttpClient client = recording(time, HttpSettings.defaults())) {
            assertThatThrownBy(() -> client.execute(HttpRequestSpec.get(URI.create(api.url()), Map.of()),
                    answer -> "read", other)).hasMessageContaining("answered HTTP 409");
            assertThat(api.hits().get()).isEqualTo(1);
        }
        try (Script api = Script.of(List.<Object[]>of(new Object[] { 500, Map.of("Stripe-Should-Retry", "false"),
                "{}" }, new Object[] { 200, Map.of(), "{\"ok\":true}" }));
                SafeHttpClient client = recording(time, HttpSettings.defaults())) {
            String read = client.execute(HttpRequestSpec.get(URI.create(api.url()), Map.of()), answer -> "read", other);
            assertThat(read).isEqualTo("read");
            assertThat(api.hits().get()).isEqualTo(2);
        }
    }

    @Test
    void logsNeverSeeQueryStrings() {
        assertThat(SafeHttpClient.redact(URI.create("https://user:pw@api.example.com/v1/x?api_key=secret")))
                .isEqualTo("https://api.example.com/v1/x?…");
    }
}
