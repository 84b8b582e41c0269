package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.pipeline.JsonText;
import io.rowflow.testing.FakeHttp;
import io.rowflow.testing.RecordedTime;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every connector's recorded fixtures ({@code connectors/<id>/fixtures/*.yaml}): a local server answers the
 * requests each fixture lists (method, path, every query parameter, the JSON body when it has one) with the
 * responses beside them, and the stream's records must equal the fixture's expected ones, field by field and type by
 * type. A request the fixture does not list, or a listed one never made, fails the fixture. A fixture with
 * {@code error: {message, status}} expects the read to fail with a message holding that text (and, with a status, an
 * upstream failure counting as it: 401 and 403 mark a connection), after the records listed, if any. A fixture with
 * {@code previous_read: {newest: <time>}} is an incremental read after one whose newest change was then. Keys and
 * tokens in a fixture's settings are {@code {generated: "<prefix>"}}, made anew for each run. With
 * {@code error: {…, upstream: "…"}} the provider's own words the run keeps beside the message must hold that text.
 * <p>
 * Time is the test's ({@link RecordedTime}): it stands still until the client or a budget waits, and every wait is
 * recorded instead of slept. {@code waits: [30s, 1.05s, 500ms]} lists the waits the read must have made, exactly and
 * in order (a 429's Retry-After, Airtable's documented 30 s, a budget's window; a backoff is drawn at its longest, 1 s
 * for the first); a fixture without {@code waits} must have waited not at all. The clock starts at
 * {@link #START}, which a Retry-After date or a reset time in a fixture is measured from. The stateful fakes
 * (FakeHubSpot, FakeJira) stay for what needs state: sign-in, changes between reads.
 */
class ConnectorFixturesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where the test's time starts. */
    static final java.time.Instant START = java.time.Instant.parse("2026-12-01T12:00:00Z");
    private static final java.util.regex.Pattern WAIT = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|min)");

    /** Every fixture of every connector in connectors/index.txt, as "id/file.yaml". */
    static Stream<String> fixtures() throws IOException {
        List<String> all = new ArrayList<>();
        for (String id : ManifestLoader.index()) {
            Path folder = Path.of("connectors", id, "fixtures");
            if (Files.isDirectory(folder)) {
                try (Stream<Path> files = Files.list(folder)) {
                    files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml") && !f.startsWith("_"))
                            .sorted()
                            .forEach(f -> all.add(id + "/" + f));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void replaysTheRecordedExchangesIntoTheExpectedRecords(String fixture) throws Throwable {
        String id = fixture.substring(0, fixture.indexOf('/'));
        replay(id, YAML.readTree(Path.of("connectors", id, "fixtures", fixture.substring(id.length() + 1)).toFile()));
    }

    /** Replays one fixture, recorded or derived, and checks its records, waits and failure. */
    private static void replay(String id, JsonNode recorded) throws Throwable {
        Manifest manifest = ManifestLoader.loadAll().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
        Replay replay = new Replay(recorded.get("exchanges"));
        HttpServer server = FakeHttp.serve(replay::answer);
        List<Map<String, Object>> records = new ArrayList<>();
        JsonNode expectedError = recorded.get("error");
        RuntimeException failure = null;
        RecordedTime time = new RecordedTime(START);
        try (SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults()
                .withAllowedNetworks(List.of("127.0.0.0/8")), time, RecordedTime.LONGEST_BACKOFF)) {
            DeclarativeSource source = new DeclarativeSource(manifest, URI.create(FakeHttp.baseUrl(server)), null,
                    time);
            SourceContext context = new SourceContext(withGeneratedCredentials(recorded.get("config")), http)
                    .withStream(recorded.get("stream")
                    .asText());
            if (recorded.has("previous_read")) {
                context = context.withSync(new io.rowflow.connector.IncrementalSync(new io.rowflow.connector
                        .IncrementalSync.State(java.time.Instant.parse(recorded.get("previous_read").get("newest")
                                .asText()), Map.of())));
            }
            source.read(context,
                    record -> {
                        if (!(record instanceof ColumnsAnnouncement)) {
                            records.add(new LinkedHashMap<>(record));
                        }
                    });
        } catch (RuntimeException e) {
            if (expectedError == null) {
                throw e;
            }
            failure = e;
        } finally {
            server.stop(0);
        }

        assertThat(replay.unexpected).as("requests the fixture does not list").isEmpty();
        assertThat(replay.unused()).as("listed requests never made").isEmpty();
        List<java.time.Duration> expectedWaits = new ArrayList<>();
        recorded.path("waits").forEach(w -> expectedWaits.add(duration(w.asText())));
        assertThat(time.waits()).as("the waits, in order").containsExactlyElementsOf(expectedWaits);
        if (expectedError != null) {
            assertThat(failure).as("the read's failure").isNotNull();
            assertThat(failure.getMessage()).as("the read's failure").contains(expectedError.get("message").asText());
            if (expectedError.has("status")) {
                assertThat(failure).isInstanceOf(io.rowflow.common.error.UpstreamException.class);
                assertThat(((io.rowflow.common.error.UpstreamException) failure).status()).as("the failure's status")
                        .isEqualTo(expectedError.get("status").asInt());
            }
            if (expectedError.has("upstream")) {
                assertThat(failure).isInstanceOf(io.rowflow.common.error.UpstreamException.class);
                assertThat(((io.rowflow.common.error.UpstreamException) failure).upstreamMessage())
                        .as("the provider's words kept with the failure").contains(expectedError.get("upstream").asText());
            }
        }
        JsonNode expected = recorded.has("records") ? recorded.get("records") : JSON.createArrayNode();
        assertThat(records).as("records").hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = expected.get(i);
            Map<String, Object> got = records.get(i);
            Set<String> wantedFields = new TreeSet<>();
            want.fieldNames().forEachRemaining(wantedFields::add);
            assertThat(new TreeSet<>(got.keySet())).as("the fields of record %d", i).isEqualTo(wantedFields);
            for (String field : wantedFields) {
                assertSameValue(got.get(field), want.get(field), "record " + i + ", " + field);
            }
        }
    }

    /** Where a connector declares, once, how its API answers a rate limit and a revoked credential. */
    static final String ANSWERS = "_answers.yaml";
    /**
     * The connectors in the index not held to {@link #ANSWERS} yet: HubSpot's and Jira's streams are read against
     * their stateful fakes (FakeHubSpot, FakeJira), and most have no full-read fixture to derive from.
     */
    static final Set<String> WITHOUT_ANSWERS_YET = Set.of("hubspot", "jira");
    /** A captive portal or a sign-in page in front of the API: 200, HTML, not the API's JSON. */
    private static final JsonNode WEB_PAGE = JSON.createObjectNode().put("status", 200)
            .<com.fasterxml.jackson.databind.node.ObjectNode>set("headers", JSON.createObjectNode()
                    .put("Content-Type", "text/html; charset=utf-8"))
            .put("text", "<!DOCTYPE html><html><head><title>Sign in to the guest Wi-Fi</title></head><body>"
                    + "<form action=\"/login\" method=\"post\"><input name=\"password\" type=\"password\"></form>"
                    + "</body></html>");
    private static final JsonNode WEB_PAGE_ERROR = JSON.createObjectNode().put("message",
            "The address answered with a web page (HTML), not JSON: the link may have expired or need a sign-in.");

    /** A stream's full-read fixture: the one named after it, which reads it whole, from scratch, without failing. */
    static Path fullRead(String id, String stream) {
        return Path.of("connectors", id, "fixtures", stream + ".yaml");
    }

    /**
     * For every stream of every connector with {@link #ANSWERS}, three reads derived from its full-read fixture:
     * "rate-limited" (the first request is first refused with the connector's documented rate-limit answer, then the
     * recorded exchanges follow: the same records, the documented wait before the fixture's own), "revoked" (the
     * first request is answered as a revoked or expired credential is: the read fails with the connection's sentence
     * and status, which marks the connection) and "web page" (the first request gets a sign-in page with 200: the read
     * fails saying so, rather than ending with no records).
     */
    static Stream<org.junit.jupiter.params.provider.Arguments> everyStreamsDerivedReads() throws IOException {
        List<org.junit.jupiter.params.provider.Arguments> reads = new ArrayList<>();
        for (Manifest manifest : ManifestLoader.loadAll()) {
            Path answersFile = Path.of("connectors", manifest.id(), "fixtures", ANSWERS);
            if (!Files.exists(answersFile)) {
                continue; // everyStreamHasAFullReadFixtureAndItsConnectorItsAnswers names it
            }
            JsonNode answers = YAML.readTree(answersFile.toFile());
            for (Manifest.Stream stream : manifest.streams()) {
                Path full = fullRead(manifest.id(), stream.name());
                if (!Files.exists(full)) {
                    continue; // named there too
                }
                JsonNode fixture = YAML.readTree(full.toFile());
                String name = manifest.id() + "/" + stream.name();
                reads.add(org.junit.jupiter.params.provider.Arguments.of(name + ": rate-limited", manifest.id(),
                        rateLimitedFirst(fixture, answers.get("rate_limited"))));
                reads.add(org.junit.jupiter.params.provider.Arguments.of(name + ": revoked", manifest.id(),
                        refusedFirst(fixture, answers.get("revoked").get("response"), answers.get("revoked").get("error"))));
                reads.add(org.junit.jupiter.params.provider.Arguments.of(name + ": web page", manifest.id(),
                        refusedFirst(fixture, WEB_PAGE, WEB_PAGE_ERROR)));
            }
        }
        return reads.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyStreamsDerivedReads")
    void everyStreamSurvivesARateLimitAndReportsARevokedCredentialAndAWebPage(String name, String id,
            JsonNode derived) throws Throwable {
        replay(id, derived);
    }

    /** A stream without a full-read fixture, or a connector without its answers, would skip the reads above. */
    @org.junit.jupiter.api.Test
    void everyStreamHasAFullReadFixtureAndItsConnectorItsAnswers() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Manifest manifest : ManifestLoader.loadAll()) {
            if (WITHOUT_ANSWERS_YET.contains(manifest.id())) {
                continue;
            }
            Path answersFile = Path.of("connectors", manifest.id(), "fixtures", ANSWERS);
            if (!Files.exists(answersFile)) {
                missing.add(answersFile + " (the rate-limit and revoked-credential answers)");
            } else {
                JsonNode answers = YAML.readTree(answersFile.toFile());
                for (String part : List.of("/rate_limited/response", "/rate_limited/wait", "/revoked/response",
                        "/revoked/error/message", "/revoked/error/status")) {
                    if (answers.at(part).isMissingNode()) {
                        missing.add(answersFile + ": " + part.substring(1).replace('/', '.'));
                    }
                }
            }
            for (Manifest.Stream stream : manifest.streams()) {
                Path full = fullRead(manifest.id(), stream.name());
                if (!Files.exists(full)) {
                    missing.add(full + " (a read of the stream " + stream.name() + " in full)");
                    continue;
                }
                JsonNode fixture = YAML.readTree(full.toFile());
                if (!fixture.path("stream").asText().equals(stream.name()) || fixture.has("error")
                        || fixture.has("previous_read") || fixture.path("exchanges").isEmpty()) {
                    missing.add(full + " reads another stream, fails, reads changes only or asks nothing");
                }
            }
        }
        assertThat(missing).as("what the derived reads of every stream need").isEmpty();
    }

    /** The fixture, its first request first refused with the rate-limit answer, and the documented wait first. */
    private static JsonNode rateLimitedFirst(JsonNode fixture, JsonNode rateLimited) {
        com.fasterxml.jackson.databind.node.ObjectNode derived = fixture.deepCopy();
        com.fasterxml.jackson.databind.node.ArrayNode exchanges = derived.putArray("exchanges");
        exchanges.addObject().set("request", fixture.get("exchanges").get(0).get("request").deepCopy());
        ((com.fasterxml.jackson.databind.node.ObjectNode) exchanges.get(0)).set("response",
                rateLimited.get("response").deepCopy());
        fixture.get("exchanges").forEach(e -> exchanges.add(e.deepCopy()));
        com.fasterxml.jackson.databind.node.ArrayNode waits = derived.putArray("waits");
        waits.add(rateLimited.get("wait").asText());
        fixture.path("waits").forEach(w -> waits.add(w.deepCopy()));
        return derived;
    }

    /** The fixture's first request answered with {@code response}; the read must fail with {@code error}, no records. */
    private static JsonNode refusedFirst(JsonNode fixture, JsonNode response, JsonNode error) {
        com.fasterxml.jackson.databind.node.ObjectNode derived = fixture.deepCopy();
        derived.remove("waits");
        derived.putArray("records");
        com.fasterxml.jackson.databind.node.ObjectNode only = derived.putArray("exchanges").addObject();
        only.set("request", fixture.get("exchanges").get(0).get("request").deepCopy());
        only.set("response", response.deepCopy());
        derived.set("error", error.deepCopy());
        return derived;
    }

    /** A wait as a fixture writes it: "30s", "1.05s", "500ms", "2min", or ISO-8601 ("PT30S"). */
    static java.time.Duration duration(String text) {
        if (text.startsWith("PT")) {
            return java.time.Duration.parse(text);
        }
        java.util.regex.Matcher m = WAIT.matcher(text.strip());
        if (!m.matches()) {
            throw new AssertionError("The fixture's wait \"" + text + "\" is not a duration such as 30s, 1.5s or 500ms");
        }
        BigDecimal amount = new BigDecimal(m.group(1));
        BigDecimal nanos = amount.multiply(BigDecimal.valueOf(switch (m.group(2)) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            default -> 60_000_000_000L;
        }));
        return java.time.Duration.ofNanos(nanos.longValueExact());
    }

    /**
     * The fixture's settings with each {@code {generated: "<prefix>"}} replaced by a credential made for this run (the
     * provider's prefix, then random letters and digits): no fixture holds a key or token, real or look-alike, and the
     * replay matches requests without their credentials, so any made-up one reads the same.
     */
    static JsonNode withGeneratedCredentials(JsonNode config) {
        com.fasterxml.jackson.databind.node.ObjectNode settings = config.deepCopy();
        java.security.SecureRandom random = new java.security.SecureRandom();
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        config.fields().forEachRemaining(field -> {
            if (field.getValue().isObject() && field.getValue().has("generated")) {
                StringBuilder made = new StringBuilder(field.getValue().get("generated").asText());
                for (int i = 0; i < 40; i++) {
                    made.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                settings.put(field.getKey(), made.toString());
            }
        });
        return settings;
    }

    /** A value as read equals the fixture's, in type too: text is text, 12 is a whole number, 4.50 a decimal. */
    private static void assertSameValue(Object got, JsonNode want, String where) throws IOException {
        if (want.isNull()) {
            assertThat(got).as(where).isNull();
        } else if (got instanceof JsonText text) {
            assertThat(JSON.readTree(text.json())).as(where).isEqualTo(JSON.readTree(JSON.writeValueAsString(want)));
        } else if (want.isTextual()) {
            assertThat(got).as(where).isEqualTo(want.asText());
        } else if (want.isBoolean()) {
            assertThat(got).as(where).isEqualTo(want.asBoolean());
        } else if (want.isIntegralNumber()) {
            assertThat(got).as(where).isInstanceOfAny(Long.class, java.math.BigInteger.class);
            assertThat(got.toString()).as(where).isEqualTo(want.asText());
        } else if (want.isNumber()) {
            assertThat(got).as(where).isInstanceOf(BigDecimal.class);
            assertThat((BigDecimal) got).as(where).isEqualByComparingTo(want.decimalValue());
        } else {
            throw new AssertionError(where + ": the fixture's value " + want + " is not a scalar, and "
                    + got + " was read");
        }
    }

    /** Answers each request with the first listed exchange it matches, each exchange once. */
    private static final class Replay {
        private final List<JsonNode> exchanges = new ArrayList<>();
        private final List<Boolean> used = new ArrayList<>();
        final List<String> unexpected = new CopyOnWriteArrayList<>();

        Replay(JsonNode listed) {
            listed.forEach(exchanges::add);
            exchanges.forEach(e -> used.add(false));
        }

        synchronized List<String> unused() {
            List<String> left = new ArrayList<>();
            for (int i = 0; i < exchanges.size(); i++) {
                if (!used.get(i)) {
                    left.add(exchanges.get(i).get("request").toString());
                }
            }
            return left;
        }

        void answer(HttpExchange exchange) throws IOException {
            try (exchange) {
                String method = exchange.getRequestMethod();
                String path = exchange.getRequestURI().getPath();
                Map<String, String> query = FakeHttp.query(exchange.getRequestURI().getRawQuery());
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                JsonNode response = match(method, path, query, body);
                if (response == null) {
                    unexpected.add(method + " " + path + " " + query + (body.isEmpty() ? "" : " " + body));
                    FakeHttp.json(exchange, 404, Map.of("message", "not in the fixture"), Map.of());
                    return;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                response.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
                if (response.has("text")) { // not JSON: a web page, say
                    FakeHttp.text(exchange, response.path("status").asInt(200), response.get("text").asText(), headers);
                } else {
                    FakeHttp.json(exchange, response.path("status").asInt(200), response.get("body"), headers);
                }
            }
        }

        private synchronized JsonNode match(String method, String path, Map<String, String> query, String body)
                throws IOException {
            for (int i = 0; i < exchanges.size(); i++) {
                JsonNode request = exchanges.get(i).get("request");
                if (used.get(i) || !request.path("method").asText("GET").equals(method)
                        || !request.get("path").asText().equals(path)) {
                    continue;
                }
                Map<String, String> listed = new LinkedHashMap<>();
                request.path("query").fields().forEachRemaining(q -> listed.put(q.getKey(), q.getValue().asText()));
                if (!listed.equals(query)) {
                    continue;
                }
                if (request.has("body") && (body.isEmpty() || !JSON.readTree(body).equals(
                        JSON.readTree(JSON.writeValueAsString(request.get("body")))))) {
                    continue;
                }
                used.set(i, true);
                return exchanges.get(i).get("response");
            }
            return null;
        }
    }
}
