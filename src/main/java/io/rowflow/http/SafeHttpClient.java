package io.rowflow.http;

import io.rowflow.common.cancel.InFlight;
import io.rowflow.common.error.UpstreamException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.jboss.logging.Logger;

/**
 * The HTTP client for user-supplied URLs. It refuses private and metadata addresses (checked on every resolution,
 * every redirect hop and against the address actually connected), follows redirects itself, caps response size,
 * and retries 429 and 5xx answers with exponential backoff that honours Retry-After. Every wait passes through its
 * {@link TimeSource}, so a test sees each one without sleeping.
 */
public final class SafeHttpClient implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SafeHttpClient.class);
    private static final int UPSTREAM_EXCERPT_BYTES = 2048;
    /** Each thread's own random numbers, drawn where they are used. */
    private static final RandomGenerator THREAD_JITTER = new RandomGenerator() {
        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public long nextLong(long bound) {
            return ThreadLocalRandom.current().nextLong(bound);
        }
    };

    /** Reads a successful response. Called at most once per request: a failure while reading is not retried. */
    @FunctionalInterface
    public interface BodyReader<T> {
        T read(HttpBody body) throws IOException;
    }

    private final HttpSettings settings;
    private final NetworkGuard guard;
    private final CloseableHttpClient client;
    private final AtomicLong requests = new AtomicLong();
    private final OutboundShares shares;
    /** Where the client reads the time and waits (the system's, or a test's). */
    private final TimeSource time;
    /** The jitter of backoffs: random, so that many clients refused at once do not come back at once. */
    private final RandomGenerator jitter;
    /** Fires each attempt's deadline (rowflow.http.request-timeout); a timer only, the abort itself is quick. */
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "rowflow-http-deadline");
        thread.setDaemon(true);
        return thread;
    });

    public SafeHttpClient(HttpSettings settings) {
        this(settings, new OutboundShares(Integer.MAX_VALUE, Duration.ZERO));
    }

    public SafeHttpClient(HttpSettings settings, OutboundShares shares) {
        this(settings, shares, TimeSource.SYSTEM, THREAD_JITTER);
    }

    /** A client without workspace shares whose waits pass through {@code time} and whose backoffs draw on {@code jitter}. */
    public SafeHttpClient(HttpSettings settings, TimeSource time, RandomGenerator jitter) {
        this(settings, new OutboundShares(Integer.MAX_VALUE, Duration.ZERO), time, jitter);
    }

    public SafeHttpClient(HttpSettings settings, OutboundShares shares, TimeSource time, RandomGenerator jitter) {
        this.settings = settings;
        this.shares = shares;
        this.time = time;
        this.jitter = jitter;
        this.guard = new NetworkGuard(settings.allowPrivateNetworks(), settings.allowedNetworks());
        ConnectionConfig connection = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(settings.connectTimeout()))
                .setSocketTimeout(Timeout.of(settings.readTimeout()))
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(guard))
                        .setDefaultConnectionConfig(connection)
                        // Each workspace is held to its share (OutboundShares), so the pool is sized for many.
                        .setMaxConnPerRoute(32)
                        .setMaxConnTotal(256)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(settings.readTimeout())).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .setUserAgent("Rowflow/1")
                .build();
    }

    /**
     * The address a non-HTTP client (a database driver) connects to for {@code host}: every address it resolves to is
     * checked as an HTTP request's would be, and the first is answered, so that the driver connects to the address
     * checked rather than resolving the name again.
     */
    public java.net.InetAddress resolveChecked(String host) throws java.net.UnknownHostException {
        return guard.resolve(host)[0];
    }

    /** Requests sent so far, retries and redirects included. */
    public long requestCount() {
        return requests.get();
    }

    private static CancellationException stopped() {
        Thread.currentThread().interrupt();
        return new CancellationException("The request was stopped: its run was cancelled, ran out of time or its"
                + " server is stopping");
    }

    public <T> T execute(HttpRequestSpec spec, BodyReader<T> reader) {
        return execute(spec, reader, RequestBudget.UNLIMITED);
    }

    /**
     * As {@link #execute(HttpRequestSpec, BodyReader)}, each attempt (retries too) drawn from {@code budget} first, and
     * every answer's rate-limit headers given to it. A 429 is waited out as the API asks without using up one of the
     * attempts (those are for failures: 5xx, a failed connection); the waits of one request are bounded in all by
     * rowflow.http.max-rate-limit-wait, and each by rowflow.http.max-retry-after.
     */
    public <T> T execute(HttpRequestSpec spec, BodyReader<T> reader, RequestBudget budget) {
        return execute(spec, reader, budget, settings.maxResponseBytes());
    }

    /**
     * As {@link #execute(HttpRequestSpec, BodyReader, RequestBudget)}, the answer capped at {@code maxResponseBytes}
     * instead of rowflow.http.max-response-bytes: for a file whose size the API announced beforehand (Shopify's bulk
     * export), read as a stream, whatever its size, and never past what was announced.
     */
    public <T> T execute(HttpRequestSpec spec, BodyReader<T> reader, RequestBudget budget, long maxResponseBytes) {
        long started = time.nanoTime();
        Duration rateLimited = Duration.ZERO;
        int refusals = 0;
        for (int attempt = 1;; ) {
            RequestBudget.Ticket place = budget.acquire();
            java.util.concurrent.Semaphore turn = shares.take(describe(spec));
            Attempt<T> outcome;
            try {
                outcome = attempt(spec, reader, budget, place, maxResponseBytes);
            } finally {
                turn.release();
                budget.answered(place);
            }
            if (outcome.done()) {
                return outcome.value();
            }
            if (outcome.rateLimited()) {
                refusals++;
                // Retry-After (or the headers' reset time); else the rest of the window the answer's headers said is
                // used up (Pipedrive's x-ratelimit-reset seconds); else the API's documented shut-out (Airtable's
                // 30 s); else backoff.
                Duration held = budget.heldFor();
                Duration wait = outcome.retryAfter() != null ? outcome.retryAfter()
                        : !held.isZero() ? held
                        : budget.waitAfter429() != null ? budget.waitAfter429() : backoff(refusals);
                if (rateLimited.plus(wait).compareTo(settings.maxRateLimitWait()) > 0) {
                    throw new UpstreamException(describe(spec) + " " + outcome.failure() + " " + refusals + " times and"
                            + " waited " + rateLimited.toSeconds() + " s, as long as rowflow.http.max-rate-limit-wait allows;"
                            + " it may be tried again after " + after(wait), outcome.upstreamMessage(), null, true, 429, wait);
                }
                String sentence = who(spec, budget) + (outcome.asked() ? " asked to wait " : " has no requests left: waiting ")
                        + String.format(Locale.ROOT, "%.1f s", wait.toMillis() / 1000.0) + " (rate limit"
                        + (outcome.policy() == null ? "" : " " + outcome.policy()) + ")" + (outcome.asked() ? "; waiting" : "");
                LOG.infof("%s: %s", describe(spec), sentence);
                RateLimitWaits.report(sentence);
                sleep(wait);
                rateLimited = rateLimited.plus(wait);
                continue;
            }
            if (attempt >= settings.maxAttempts()) {
                // How many tries in all, and over how long: "after 5 attempts" alone hides that a run waited minutes.
                throw new UpstreamException(describe(spec) + ": " + outcome.failure() + "; gave up after " + attempt
                        + " attempts over " + span(Duration.ofNanos(time.nanoTime() - started)), outcome.upstreamMessage(),
                        null, true, 0, outcome.retryAfter());
            }
            Duration wait = outcome.retryAfter() != null ? outcome.retryAfter() : backoff(attempt);
            LOG.infof("%s: %s; attempt %d of %d in %d ms", describe(spec), outcome.failure(), attempt + 1,
                    settings.maxAttempts(), wait.toMillis());
            sleep(wait);
            attempt++;
        }
    }

    /** Who limits the request, as a user knows it: the budget's name (the provider), else the host. */
    private static String who(HttpRequestSpec spec, RequestBudget budget) {
        return budget.name().isEmpty() ? spec.uri().getHost() : budget.name();
    }

    /** The time {@code wait} from now, to the second, in UTC: when a refused request may be tried again. */
    private String after(Duration wait) {
        return DateTimeFormatter.ISO_INSTANT.format(time.now().plus(wait).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /**
     * One attempt's outcome. {@code rateLimited}: a 429; {@code asked}: the server named the wait (Retry-After, a
     * reset time) rather than it being read from the limit's window; {@code policy}: which limit, when it says.
     */
    private record Attempt<T>(boolean done, T value, String failure, String upstreamMessage, Duration retryAfter,
            boolean rateLimited, boolean asked, String policy) {
        static <T> Attempt<T> success(T value) {
            return new Attempt<>(true, value, null, null, null, false, false, null);
        }

        static <T> Attempt<T> retry(String failure, String upstreamMessage, Duration retryAfter) {
            return new Attempt<>(false, null, failure, upstreamMessage, retryAfter, false, false, null);
        }

        static <T> Attempt<T> rateLimit(String failure, String upstreamMessage, Duration retryAfter, boolean asked,
                String policy) {
            return new Attempt<>(false, null, failure, upstreamMessage, retryAfter, true, asked, policy);
        }
    }

    private <T> Attempt<T> attempt(HttpRequestSpec original, BodyReader<T> reader, RequestBudget budget,
            RequestBudget.Ticket place, long maxResponseBytes) {
        try (Deadline deadline = new Deadline(settings.requestTimeout())) {
            return attempt(original, reader, budget, place, deadline, maxResponseBytes);
        }
    }

    /**
     * One attempt's whole-time limit (rowflow.http.request-timeout): connect, headers and body together. The read
     * timeout only bounds each silence, so without it a server sending a byte a second holds a run for hours. When it
     * passes the request is aborted, as a cancel does; the attempt then reports the deadline, not a cancel.
     */
    private final class Deadline implements AutoCloseable {
        private final ScheduledFuture<?> alarm;
        private volatile HttpUriRequestBase request;
        private volatile boolean passed;
        /** The body reader was started: what it consumed cannot be read again, so the attempt is not repeated. */
        volatile boolean reading;

        Deadline(Duration limit) {
            alarm = deadlines.schedule(() -> {
                passed = true;
                HttpUriRequestBase current = request;
                if (current != null) {
                    current.cancel();
                }
            }, limit.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** The request now sent (a redirect sends another); aborted at once if the time is already up. */
        void watch(HttpUriRequestBase next) {
            request = next;
            if (passed) {
                next.cancel();
            }
        }

        boolean passed() {
            return passed;
        }

        /** The failure to report once the deadline passed: retried only when no part of the body was read yet. */
        <T> Attempt<T> failure(HttpRequestSpec spec) {
            String limit = inWords(settings.requestTimeout()) + " (rowflow.http.request-timeout)";
            if (!reading) {
                return Attempt.retry("the server did not answer within " + limit, null, null);
            }
            throw new UpstreamException(describe(spec) + ": the answer was still incomplete after " + limit
                    + ", the longest one request may take; the server sends it too slowly, or the file is larger than"
                    + " that time allows", null, null, true);
        }

        @Override
        public void close() {
            alarm.cancel(false);
        }
    }

    private <T> Attempt<T> attempt(HttpRequestSpec original, BodyReader<T> reader, RequestBudget budget,
            RequestBudget.Ticket place, Deadline deadline, long maxResponseBytes) {
        HttpRequestSpec spec = original;
        for (int redirects = 0;; redirects++) {
            checkScheme(spec.uri());
            HttpClientContext context = HttpClientContext.create();
            requests.incrementAndGet();
            HttpUriRequestBase request = toRequest(spec);
            Thread current = Thread.currentThread();
            // A blocking socket read ignores interrupts: stopping the run aborts the request (InFlight.interrupt).
            InFlight.Registration inFlight = InFlight.register(request::cancel);
            if (current.isInterrupted()) {
                inFlight.close();
                throw stopped();
            }
            deadline.watch(request);
            try (ClassicHttpResponse response = client.executeOpen(null, request, context)) {
                checkConnectedAddress(spec.uri(), context.getEndpointDetails());
                int status = response.getCode();
                budget.answered(place);
                budget.observe(name -> Optional.ofNullable(response.getFirstHeader(name)).map(Header::getValue));
                if (status >= 300 && status < 400 && response.getFirstHeader("Location") != null) {
                    if (redirects >= settings.maxRedirects()) {
                        throw new UpstreamException(describe(original) + " redirected more than "
                                + settings.maxRedirects() + " times");
                    }
                    URI next = spec.uri().resolve(response.getFirstHeader("Location").getValue());
                    // Credentials stay with the origin they were given for; once dropped they are not sent again.
                    HttpRequestSpec hop = Origin.same(spec.uri(), next) ? spec : spec.withoutCredentials();
                    spec = status == 303 ? new HttpRequestSpec("GET", next, hop.headers(), null, hop.secretPath())
                            : hop.withUri(next);
                    continue;
                }
                if (status >= 200 && status < 300) {
                    deadline.reading = true;
                    return Attempt.success(read(spec, response, reader, maxResponseBytes));
                }
                String excerpt = excerpt(response.getEntity());
                String failure = "answered HTTP " + status + reason(response);
                boolean retriedByStatus = status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
                // The API's own word on whether a retry may succeed (Stripe-Should-Retry) outranks the status.
                String adviceHeader = budget.shouldRetryHeader();
                Boolean advice = shouldRetry(response, adviceHeader);
                if (retriedByStatus && Boolean.FALSE.equals(advice)) {
                    throw new UpstreamException(describe(original) + " " + failure + " and said in " + adviceHeader
                            + " that trying again would not succeed", excerpt, null, false, status);
                }
                if (retriedByStatus || Boolean.TRUE.equals(advice)) {
                    Duration retryAfter = rateLimitWait(response, time.now());
                    if (retryAfter != null && retryAfter.compareTo(settings.maxRetryAfter()) > 0) {
                        throw new UpstreamException(describe(original) + " " + failure + " and asked to wait "
                                + retryAfter.toSeconds() + " s, longer than rowflow.http.max-retry-after ("
                                + settings.maxRetryAfter().toSeconds() + " s); it may be tried again after "
                                + after(retryAfter), excerpt, null, true, status, retryAfter);
                    }
                    if (status == 429) {
                        return Attempt.rateLimit(failure, excerpt, retryAfter, response.getFirstHeader("Retry-After") != null,
                                policy(response, excerpt));
                    }
                    return Attempt.retry(failure, excerpt, retryAfter);
                }
                throw new UpstreamException(describe(original) + " " + failure, excerpt, null, false, status);
            } catch (BlockedAddressException e) {
                throw new UpstreamException("Refused " + describe(spec) + ": " + e.getMessage(), null, e);
            } catch (ResponseTooLargeException e) {
                throw new UpstreamException(describe(spec) + ": " + e.getMessage(), null, e);
            } catch (ReadFailedException e) {
                if (deadline.passed() && !current.isInterrupted()) {
                    return deadline.failure(spec);
                }
                if (request.isCancelled() || current.isInterrupted()) {
                    throw stopped();
                }
                throw new UpstreamException(describe(spec) + ": reading the response failed: " + e.getCause().getMessage(),
                        null, e.getCause(), true);
            } catch (IOException e) {
                if (deadline.passed() && !current.isInterrupted()) {
                    return deadline.failure(spec);
                }
                if (request.isCancelled() || current.isInterrupted()) {
                    throw stopped();
                }
                return Attempt.retry(connectionFailure(e), null, null);
            } catch (RuntimeException e) {
                // A body reader may wrap the aborted stream's error in its own (a CSV or JSON parse error).
                if (deadline.passed() && !current.isInterrupted() && !(e instanceof UpstreamException)) {
                    return deadline.failure(spec);
                }
                throw e;
            } finally {
                inFlight.close();
            }
        }
    }

    /** Wraps IO errors of the body reader so they are not mistaken for a retryable connection failure. */
    private static final class ReadFailedException extends IOException {
        ReadFailedException(IOException cause) {
            super(cause);
        }
    }

    private <T> T read(HttpRequestSpec spec, ClassicHttpResponse response, BodyReader<T> reader, long maxResponseBytes)
            throws IOException {
        HttpEntity entity = response.getEntity();
        InputStream raw = entity == null ? InputStream.nullInputStream() : entity.getContent();
        Optional<Charset> charset = Optional.ofNullable(entity == null ? null : entity.getContentType())
                .map(ContentType::parseLenient).map(ContentType::getCharset);
        HttpBody body = new HttpBody(spec.uri(), response.getCode(), new CappedInputStream(raw, maxResponseBytes),
                charset, name -> Optional.ofNullable(response.getFirstHeader(name)).map(Header::getValue));
        try {
            return reader.read(body);
        } catch (ResponseTooLargeException e) {
            throw e;
        } catch (IOException e) {
            throw new ReadFailedException(e);
        }
    }

    private void checkConnectedAddress(URI uri, EndpointDetails details) throws BlockedAddressException {
        SocketAddress remote = details == null ? null : details.getRemoteAddress();
        if (remote instanceof InetSocketAddress inet && inet.getAddress() != null) {
            guard.check(uri.getHost(), inet.getAddress());
        }
    }

    private static void checkScheme(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UpstreamException("Only http and https URLs are supported, not " + (scheme.isEmpty() ? "\"" + uri + "\"" : scheme + ":"));
        }
        if (uri.getHost() == null) {
            throw new UpstreamException("The URL " + redact(uri) + " has no host");
        }
    }

    private static HttpUriRequestBase toRequest(HttpRequestSpec spec) {
        HttpUriRequestBase request = new HttpUriRequestBase(spec.method(), spec.uri());
        spec.headers().forEach(request::setHeader);
        Optional<String> type = spec.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(
                "Content-Type")).map(Map.Entry::getValue).findFirst();
        if (spec.body() != null) {
            request.setEntity(new StringEntity(spec.body(), ContentType.parse(type.orElse("application/json"))
                    .withCharset(StandardCharsets.UTF_8)));
        } else if (spec.content() != null) {
            request.setEntity(new ByteArrayEntity(spec.content(), ContentType.parse(type.orElse(
                    "application/octet-stream"))));
        }
        return request;
    }

    private Duration backoff(int attempt) {
        long base = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, settings.maxBackoff().toMillis());
        return Duration.ofMillis(capped / 2 + jitter.nextLong(capped / 2 + 1));
    }

    /**
     * How long a refusal asks to wait: Retry-After; else a rate-limit reset time (Jira's X-RateLimit-Reset, ISO-8601);
     * else, with no requests remaining, the limit's window (HubSpot's X-HubSpot-RateLimit-Interval-Milliseconds, a
     * rolling window: after a whole window the oldest requests have left it). Null: back off exponentially.
     */
    static Duration rateLimitWait(org.apache.hc.core5.http.HttpResponse response, Instant now) {
        Duration retryAfter = retryAfter(response.getFirstHeader("Retry-After"), now);
        if (retryAfter != null) {
            return retryAfter;
        }
        Header reset = response.getFirstHeader("X-RateLimit-Reset");
        if (reset != null) {
            try {
                Instant at = java.time.OffsetDateTime.parse(reset.getValue().trim(), java.time.format.DateTimeFormatter
                        .ofPattern("yyyy-MM-dd'T'HH:mm[:ss][.SSS]XXX")).toInstant();
                Duration wait = Duration.between(now, at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException notIso) {
                // an epoch or another format: fall through to the window or backoff
            }
        }
        for (Header header : response.getHeaders()) {
            String name = header.getName().toLowerCase(java.util.Locale.ROOT);
            if (name.endsWith("ratelimit-interval-milliseconds")) {
                Header remaining = response.getFirstHeader(header.getName().substring(0, header.getName().length()
                        - "Interval-Milliseconds".length()) + "Remaining");
                if (remaining != null && remaining.getValue().trim().equals("0")) {
                    try {
                        return Duration.ofMillis(Long.parseLong(header.getValue().trim()));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    private static final java.util.regex.Pattern POLICY_NAME = java.util.regex.Pattern.compile(
            "\"policyName\"\\s*:\\s*\"([A-Z_]{1,40})\"");

    /** Which limit refused: HubSpot's policyName in the body, Jira's RateLimit-Reason header; null when unsaid. */
    private static String policy(ClassicHttpResponse response, String excerpt) {
        Header reason = response.getFirstHeader("RateLimit-Reason");
        if (reason != null) {
            String value = reason.getValue().strip();
            return value.length() > 60 ? value.substring(0, 60) : value;
        }
        java.util.regex.Matcher named = excerpt == null ? null : POLICY_NAME.matcher(excerpt);
        return named != null && named.find() ? named.group(1) : null;
    }

    /**
     * Whether the answer says a retry may succeed, in the header the API names for it (Stripe-Should-Retry: "true" or
     * "false"); null when it has no such header or does not say.
     */
    private static Boolean shouldRetry(ClassicHttpResponse response, String name) {
        Header header = name == null ? null : response.getFirstHeader(name);
        String value = header == null ? "" : header.getValue().strip();
        return value.equalsIgnoreCase("true") ? Boolean.TRUE : value.equalsIgnoreCase("false") ? Boolean.FALSE : null;
    }

    /** Retry-After as seconds (integer or decimal) or an HTTP date, from {@code now}; null when absent or unreadable. */
    static Duration retryAfter(Header header, Instant now) {
        if (header == null) {
            return null;
        }
        String value = header.getValue().trim();
        try {
            return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(value) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(now, at.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    private void sleep(Duration wait) {
        try {
            time.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("Interrupted while waiting to retry");
        }
    }

    private static String excerpt(HttpEntity entity) {
        if (entity == null) {
            return null;
        }
        try (InputStream in = entity.getContent()) {
            String text = new String(in.readNBytes(UPSTREAM_EXCERPT_BYTES), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? null : text;
        } catch (IOException e) {
            return null;
        }
    }

    private static String reason(ClassicHttpResponse response) {
        String phrase = response.getReasonPhrase();
        return phrase == null || phrase.isBlank() ? "" : " " + phrase;
    }

    private static String describe(HttpRequestSpec spec) {
        if (spec.secretPath()) {
            return spec.method() + " " + spec.uri().getScheme() + "://" + spec.uri().getHost() + "/…";
        }
        return spec.method() + " " + redact(spec.uri());
    }

    /** The URL without its query and user info: query strings often carry API keys, and logs must not. */
    public static String redact(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return (uri.getScheme() == null ? "" : uri.getScheme() + "://") + host + port + path
                + (uri.getRawQuery() == null ? "" : "?…");
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            LOG.debug("Closing the HTTP client failed", e);
        }
    }

    /**
     * What went wrong with a connection, in plain words for the person reading the run's error: no Java class names,
     * no addresses the user did not type.
     */
    private String connectionFailure(IOException e) {
        if (e instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
            return "the server did not accept the connection within " + inWords(settings.connectTimeout());
        }
        if (e instanceof java.net.SocketTimeoutException || e instanceof java.io.InterruptedIOException) {
            return "the server did not answer within " + inWords(settings.readTimeout());
        }
        if (e instanceof java.net.UnknownHostException) {
            return "the host name could not be resolved";
        }
        if (e instanceof java.net.NoRouteToHostException) {
            return "the host could not be reached (no route to it)";
        }
        if (e instanceof java.net.ConnectException) {
            return "the connection was refused";
        }
        if (e instanceof javax.net.ssl.SSLHandshakeException) {
            return "the secure connection could not be set up (the server's certificate is not trusted, or TLS"
                    + " versions do not match)";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return "the secure connection failed";
        }
        if (e instanceof org.apache.hc.core5.http.NoHttpResponseException) {
            return "the server closed the connection without answering";
        }
        if (e instanceof org.apache.hc.core5.http.ConnectionClosedException || e instanceof java.net.SocketException) {
            return "the connection was closed before the answer was complete";
        }
        return "the connection failed";
    }

    /** A span of time as a person reads it: "0.4 s", "12 s", "2 min", "4 min 10 s". */
    static String span(Duration d) {
        long millis = d.toMillis();
        if (millis < 10_000) {
            return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = d.toSeconds();
        if (seconds < 120) {
            return seconds + " s";
        }
        return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
    }

    private static String inWords(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
