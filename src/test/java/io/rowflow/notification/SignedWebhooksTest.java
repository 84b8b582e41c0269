package io.rowflow.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every message to a webhook is signed with the channel's own secret: a receiver following docs/notifications.md
 * accepts it, and refuses a replay, a changed body, a stale timestamp and a message signed with a replaced secret.
 */
@QuarkusTest
class SignedWebhooksTest {
    record Received(String timestamp, String delivery, String signature, byte[] body) {
    }

    HttpServer receiver;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<String> channels = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() {
        receiver = FakeHttp.serve(exchange -> {
            var headers = exchange.getRequestHeaders();
            received.add(new Received(headers.getFirst(WebhookSignature.TIMESTAMP),
                    headers.getFirst(WebhookSignature.DELIVERY), headers.getFirst(WebhookSignature.SIGNATURE),
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
    }

    @AfterEach
    void removeChannelsAndStopReceiver() {
        // A channel left behind would be told of every other test's failed runs.
        channels.forEach(id -> given().delete("/api/v1/notifications/" + id).then().statusCode(204));
        receiver.stop(0);
    }

    @Test
    void aReceiverVerifiesTheSignatureAndRefusesReplays() {
        String url = FakeHttp.baseUrl(receiver) + "/hooks/" + UUID.randomUUID();
        JsonPath created = given().contentType(ContentType.JSON).body(Map.of("name", "signed", "url", url))
                .post("/api/v1/notifications").then().statusCode(201).extract().jsonPath();
        String secret = created.getString("signingSecret");
        Api.SECRETS_USED.add(secret);
        assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);
        assertThat(created.getBoolean("signed")).isTrue();
        String id = created.getString("id");
        channels.add(id);
        // Shown once: the list says the channel signs, never with what.
        JsonPath listed = given().get("/api/v1/notifications").then().statusCode(200).extract().jsonPath();
        assertThat(listed.getList("findAll { it.id == '" + id + "' }.signingSecret")).containsOnlyNulls();
        assertThat(listed.getList("findAll { it.id == '" + id + "' }.signed")).containsExactly(true);

        given().post("/api/v1/notifications/" + id + "/test").then().statusCode(200);
        assertThat(received).hasSize(1);
        Received message = received.get(0);
        Set<String> seen = new HashSet<>();
        Instant now = Instant.now();
        Duration tolerance = Duration.ofMinutes(5);
        assertThat(verify(secret, message, message.body(), now, tolerance, seen)).isEqualTo(WebhookSignature.Verdict.ACCEPTED);
        assertThat(new String(message.body(), StandardCharsets.UTF_8)).contains("\"event\":\"test\"");
        // The same message again: a replay.
        assertThat(verify(secret, message, message.body(), now, tolerance, seen)).isEqualTo(WebhookSignature.Verdict.REPLAYED);
        // Another body under the same headers, or the same message long after: refused.
        byte[] changed = new String(message.body(), StandardCharsets.UTF_8).replace("test", "tset").getBytes(StandardCharsets.UTF_8);
        assertThat(verify(secret, message, changed, now, tolerance, new HashSet<>())).isEqualTo(WebhookSignature.Verdict.BAD_SIGNATURE);
        assertThat(verify(secret, message, message.body(), now.plus(Duration.ofMinutes(6)), tolerance, new HashSet<>()))
                .isEqualTo(WebhookSignature.Verdict.TOO_OLD);

        // A replaced secret: the next message verifies with the new one only.
        String replaced = given().post("/api/v1/notifications/" + id + "/signing-secret").then().statusCode(200)
                .extract().path("signingSecret");
        Api.SECRETS_USED.add(replaced);
        assertThat(replaced).isNotEqualTo(secret);
        given().post("/api/v1/notifications/" + id + "/test").then().statusCode(200);
        Received next = received.get(1);
        assertThat(next.delivery()).isNotEqualTo(message.delivery());
        assertThat(verify(secret, next, next.body(), Instant.now(), tolerance, new HashSet<>()))
                .isEqualTo(WebhookSignature.Verdict.BAD_SIGNATURE);
        assertThat(verify(replaced, next, next.body(), Instant.now(), tolerance, new HashSet<>()))
                .isEqualTo(WebhookSignature.Verdict.ACCEPTED);
    }

    private static WebhookSignature.Verdict verify(String secret, Received message, byte[] body, Instant now,
            Duration tolerance, Set<String> seen) {
        return WebhookSignature.verify(secret, message.timestamp(), message.delivery(), message.signature(), body, now,
                tolerance, seen);
    }

    @Test
    void theSignatureIsAnHmacOfTimestampDeliveryAndBody() {
        // An independent computation (openssl's): printf '1700000000.d-1.{"a":1}' | openssl dgst -sha256 -hmac whsec_k
        assertThat(WebhookSignature.sign("whsec_k", 1_700_000_000L, "d-1", "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1=" + OPENSSL_HMAC);
    }

    static final String OPENSSL_HMAC = "da5155e194528f8a88cdbd9c736c310dfcc0491be7f1c9aac35fc0f6951f30a1";
}
