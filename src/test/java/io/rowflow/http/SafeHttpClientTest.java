package io.rowflow.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rowflow.common.error.UpstreamException;
import io.rowflow.testing.FakeApi;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hc.core5.http.message.BasicHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP client against a real local server: the guard, redirects, retries and Retry-After, the size cap. */
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
        api.failNext("/a.csv", 1, new FakeApi.Failure(429, "1", "{\"error\":\"slow down\"}"));
        try (SafeHttpClient client = loopbackAllowed()) {
            long start = System.nanoTime();
            assertThat(get(client, api.url("/a.csv"))).isEqualTo("x\n1\n");
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertThat(waited).as("waited %d ms for Retry-After: 1", waited).isGreaterThanOrEqualTo(1000);
        }
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
        api.failNext("/a.csv", 8, new FakeApi.Failure(429, "0", "{\"error\":\"slow down\"}"));
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SafeHttpClient client = loopbackAllowed(); RateLimitWaits.Scope scope = RateLimitWaits.reportTo(told::add)) {
            assertThat(get(client, api.url("/a.csv"))).isEqualTo("x\n1\n");
        }
        assertThat(told).hasSize(8).allMatch(line -> line.equals("127.0.0.1 asked to wait 0.0 s (rate limit); waiting"));
    }

    /** A 429 that names no wait, from an API that documents one (Airtable: 30 s), waits that long, not a backoff. */
    @Test
    void aDocumentedWaitAfter429IsKeptWhenTheAnswerNamesNone() {
        api.failNext("/a.csv", 1, new FakeApi.Failure(429, null, "{\"errors\":[{\"error\":\"RATE_LIMIT_REACHED\"}]}"));
        RequestBudget budget = RequestBudget.following("Airtable", RateLimitHeaders.NONE, 5, Duration.ofSeconds(1),
                Duration.ofMillis(600));
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (SafeHttpClient client = loopbackAllowed(); RateLimitWaits.Scope scope = RateLimitWaits.reportTo(told::add)) {
            long start = System.nanoTime();
            String body = client.execute(HttpRequestSpec.get(URI.create(api.url("/a.csv")), Map.of()),
                    answer -> new String(answer.stream().readAllBytes(), StandardCharsets.UTF_8), budget);
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertThat(body).isEqualTo("x\n1\n");
            assertThat(waited).as("waited %d ms, the backoff being 10-50 ms", waited).isGreaterThanOrEqualTo(600);
        }
        assertThat(told).containsExactly("Airtable has no requests left: waiting 0.6 s (rate limit)");
    }

    /** The waits of one request are bounded in all: past rowflow.http.max-rate-limit-wait it fails, saying when to try. */
    @Test
    void rateLimitWaitsAreBoundedInAll() {
        api.failNext("/a.csv", 20, new FakeApi.Failure(429, "0.2", "{\"error\":\"slow down\"}"));
        try (SafeHttpClient client = client(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8"))
                .withRateLimitWaits(Duration.ofSeconds(120), Duration.ofMillis(500)))) {
            assertThatThrownBy(() -> get(client, api.url("/a.csv"))).isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("max-rate-limit-wait").hasMessageContaining("may be tried again after")
                    .satisfies(e -> assertThat(((UpstreamException) e).retryAfter()).isEqualTo(Duration.ofMillis(200)))
                    .satisfies(e -> assertThat(((UpstreamException) e).passing()).isTrue());
        }
        api.failNext("/a.csv", 0, new FakeApi.Failure(429, "0", ""));
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
        assertThat(SafeHttpClient.retryAfter(new BasicHeader("Retry-After", "2.5"))).isEqualTo(Duration.ofMillis(2500));
        assertThat(SafeHttpClient.retryAfter(new BasicHeader("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")))
                .isEqualTo(Duration.ZERO);
        assertThat(SafeHttpClient.retryAfter(new BasicHeader("Retry-After", "soon"))).isNull();
    }

    /** Without Retry-After, a 429's rate-limit headers say how long: Jira's reset time, HubSpot's window when spent. */
    @Test
    void rateLimitHeadersSayHowLongToWait() {
        var hubspot = new org.apache.hc.core5.http.message.BasicHttpResponse(429);
        hubspot.addHeader("X-HubSpot-RateLimit-Max", "100");
        hubspot.addHeader("X-HubSpot-RateLimit-Remaining", "0");
        hubspot.addHeader("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
        assertThat(SafeHttpClient.rateLimitWait(hubspot)).isEqualTo(Duration.ofSeconds(10));
        var jira = new org.apache.hc.core5.http.message.BasicHttpResponse(429);
        jira.addHeader("X-RateLimit-Reset", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mmXXX")
                .format(java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).plusMinutes(2)));
        assertThat(SafeHttpClient.rateLimitWait(jira)).isBetween(Duration.ofSeconds(59), Duration.ofSeconds(121));
        jira.addHeader("Retry-After", "3");
        assertThat(SafeHttpClient.rateLimitWait(jira)).isEqualTo(Duration.ofSeconds(3));
        var plain = new org.apache.hc.core5.http.message.BasicHttpResponse(429);
        plain.addHeader("X-HubSpot-RateLimit-Remaining", "12");
        plain.addHeader("X-HubSpot-RateLimit-Interval-Milliseconds", "10000");
        assertThat(SafeHttpClient.rateLimitWait(plain)).as("requests remain: back off instead").isNull();
    }

    @Test
    void logsNeverSeeQueryStrings() {
        assertThat(SafeHttpClient.redact(URI.create("https://user:pw@api.example.com/v1/x?api_key=secret")))
                .isEqualTo("https://api.example.com/v1/x?…");
    }
}
