package io.rowflow.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.testing.FakeHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Run outcomes posted to a workspace's webhooks: failures and the first success after one to a "failures" channel,
 * every run to an "all" channel, a receiver's own failure never failing the run, and the address kept secret.
 */
@QuarkusTest
class NotificationsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A receiver like Slack's incoming webhooks: it records what each address got, and can be told to fail. */
    HttpServer receiver;
    final Map<String, List<JsonNode>> received = new ConcurrentHashMap<>();
    final AtomicInteger failNext = new AtomicInteger();

    @BeforeEach
    void startReceiver() {
        receiver = FakeHttp.serve(exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                exchange.sendResponseHeaders(500, -1);
            } else {
                received.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new CopyOnWriteArrayList<>())
                        .add(JSON.readTree(body));
                exchange.sendResponseHeaders(200, -1);
            }
            exchange.close();
        });
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    /** A Slack-like address: the path is the credential. */
    String address() {
        String url = FakeHttp.baseUrl(receiver) + "/services/T0001/B0002/" + UUID.randomUUID().toString().replace("-", "");
        Api.SECRETS_USED.add(url.substring(url.lastIndexOf('/') + 1));
        return url;
    }

    static String channel(String name, String url, String events) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name, "url", url, "events", events))
                .post("/api/v1/notifications").then().statusCode(201).body("host", equalTo("127.0.0.1"))
                .body(not(containsString(url.substring(url.lastIndexOf('/'))))).extract().path("id");
    }

    List<JsonNode> awaitMessages(String url, int count) throws InterruptedException {
        String path = java.net.URI.create(url).getPath();
        Instant until = Instant.now().plus(Duration.ofSeconds(15));
        while (received.getOrDefault(path, List.of()).size() < count && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        List<JsonNode> messages = received.getOrDefault(path, List.of());
        assertThat(messages).as("messages to " + path).hasSize(count);
        return messages;
    }

    @Test
    void failuresAndRecoveriesReachTheFailuresChannelAndEveryRunTheOther() throws Exception {
        String failures = address();
        String all = address();
        List<String> ids = List.of(channel("Ops alerts", failures, "failures"), channel("Data feed", all, "all"));
        try {
            FakeApi.shared().putFile("/files/notify.csv", "id,name\n1,a\n2,b\n");
            String connection = Api.createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/notify.csv")));
            String flow = Api.createExcelFlow(connection, Map.of());

            Api.runSucceeds(flow);
            assertThat(awaitMessages(all, 1).get(0).path("event").asText()).isEqualTo("run.succeeded");
            // The "all" channel is told after the "failures" one made its choice: nothing for a plain success.
            assertThat(received.get(java.net.URI.create(failures).getPath())).isNull();

            // A 404 is not retried: one refusal fails the run.
            FakeApi.shared().failNext("/files/notify.csv", 1, new FakeApi.Failure(404, null, "{\"error\":\"gone\"}"));
            JsonPath failed = Api.runToEnd(flow);
            assertThat(failed.getString("status")).isEqualTo("failed");
            JsonNode alert = awaitMessages(failures, 1).get(0);
            assertThat(alert.path("event").asText()).isEqualTo("run.failed");
            assertThat(alert.path("text").asText()).startsWith("❌ Flow \"").contains("failed at extract source 1");
            assertThat(alert.path("run").path("error").path("step").asText()).isEqualTo(failed.getString("error.step"));
            assertThat(alert.path("run").path("id").asText()).isEqualTo(failed.getString("id"));
            assertThat(alert.path("flow").path("id").asText()).isEqualTo(flow);
            awaitMessages(all, 2);

            String recoveredRun = Api.runSucceeds(flow).getString("id");
            assertThat(awaitMessages(failures, 2).get(1).path("event").asText()).isEqualTo("run.recovered");
            assertThat(awaitMessages(all, 3).get(2).path("event").asText()).isEqualTo("run.recovered");

            Api.runSucceeds(flow);
            assertThat(awaitMessages(all, 4).get(3).path("event").asText()).isEqualTo("run.succeeded");
            assertThat(received.get(java.net.URI.create(failures).getPath())).hasSize(2);

            // The run's log says who was told.
            awaitLog(recoveredRun, "Notified Ops alerts (127.0.0.1)");
        } finally {
            ids.forEach(id -> given().delete("/api/v1/notifications/" + id).then().statusCode(204));
        }
    }

    @Test
    void aReceiverThatFailsIsLoggedAndTheRunKeepsItsOutcome() throws Exception {
        String url = address();
        String id = channel("Flaky receiver", url, "all");
        try {
            given().post("/api/v1/notifications/" + id + "/test").then().statusCode(200).body("ok", equalTo(true));
            assertThat(awaitMessages(url, 1).get(0).path("event").asText()).isEqualTo("test");

            failNext.set(100);
            FakeApi.shared().putFile("/files/notify-2.csv", "id\n1\n");
            String connection = Api.createConnection("csv-url", Map.of("url", FakeApi.shared().url("/files/notify-2.csv")));
            String run = Api.runSucceeds(Api.createExcelFlow(connection, Map.of())).getString("id");
            String line = awaitLog(run, "Could not notify Flaky receiver (127.0.0.1)");
            assertThat(line).contains("HTTP 500").doesNotContain("/services/");
            assertThat(given().get("/api/v1/runs/" + run).then().extract().path("status").toString()).isEqualTo("succeeded");
            given().post("/api/v1/notifications/" + id + "/test").then().statusCode(200).body("ok", equalTo(false));
        } finally {
            failNext.set(0);
            given().delete("/api/v1/notifications/" + id).then().statusCode(204);
        }
    }

    @Test
    void addressesAreCheckedAndNeverShown() {
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "url", "ftp://example.com/hook"))
                .post("/api/v1/notifications").then().statusCode(422).body("errors[0].field", equalTo("url"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "url", "https://example.com/h", "events", "some"))
                .post("/api/v1/notifications").then().statusCode(422).body("errors[0].field", equalTo("events"));
        String url = address();
        String id = channel("Listed", url, "failures");
        try {
            given().get("/api/v1/notifications").then().statusCode(200)
                    .body("find { it.id == '" + id + "' }.events", equalTo("failures"))
                    .body(not(containsString(url.substring(url.lastIndexOf('/')))));
        } finally {
            given().delete("/api/v1/notifications/" + id).then().statusCode(204);
        }
        given().delete("/api/v1/notifications/" + id).then().statusCode(404);
    }

    static String awaitLog(String run, String start) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(until)) {
            List<String> log = given().get("/api/v1/runs/" + run + "/log").then().extract().jsonPath().getList("message");
            for (String line : log) {
                if (line.startsWith(start)) {
                    return line;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("No log line starting with \"" + start + "\" in run " + run);
    }
}
