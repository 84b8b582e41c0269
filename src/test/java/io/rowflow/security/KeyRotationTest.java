package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.rowflow.connection.ConnectionService;
import io.rowflow.notification.NotificationService;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakeApi;
import io.rowflow.vault.RewrapReport;
import io.rowflow.vault.SecretCipher;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Master key rotation over the real database: every stored secret is re-wrapped with the new key and reads with it
 * alone; rotating back leaves the running application reading them all again.
 */
@QuarkusTest
class KeyRotationTest {
    @Inject
    ConnectionService connections;
    @Inject
    NotificationService notifications;
    @Inject
    EntityManager em;

    @Test
    void rotationKeepsEverySecretReadable() throws Exception {
        for (int i = 0; i < 20; i++) {
            given().contentType(ContentType.JSON).body(Map.of("name", "rotate " + i, "connectorId", "csv-url",
                    "config", Map.of("url", FakeApi.shared().url("/files/r.csv"), "headers", Map.of("X-Key", "rotate-" + i))))
                    .post("/api/v1/connections").then().statusCode(201);
        }
        // A notification address is a secret too, kept by another feature.
        String hook = "https://hooks.example.com/services/T0/B0/rotate" + new SecureRandom().nextInt(1_000_000);
        Api.SECRETS_USED.add(hook.substring(hook.lastIndexOf('/') + 1));
        String channel = given().contentType(ContentType.JSON).body(Map.of("name", "rotate", "url", hook))
                .post("/api/v1/notifications").then().statusCode(201).extract().path("id");
        byte[] running = Base64.getDecoder().decode(Files.readString(Path.of("target/test-data/master.key")).trim());
        byte[] next = new byte[32];
        new SecureRandom().nextBytes(next);

        RewrapReport forward = connections.rewrap(new SecretCipher(next, List.of(running)));
        assertThat(forward.rewrapped()).isEqualTo(forward.checked()).isGreaterThanOrEqualTo(20);
        assertThat(forward.unreadable()).isZero();
        SecretCipher newKeyOnly = new SecretCipher(next, List.of());
        List<io.rowflow.connection.ConnectionEntity> rows = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "from ConnectionEntity c where c.secretsCiphertext is not null", io.rowflow.connection.ConnectionEntity.class)
                .getResultList());
        for (io.rowflow.connection.ConnectionEntity row : rows) {
            // Bound to its workspace, its id and the origin its settings lead to.
            assertThat(connections.aad(row)).startsWith("workspace:" + row.workspaceId + "/connection:" + row.id);
            assertThat(newKeyOnly.decrypt(row.secretsCiphertext, connections.aad(row))).startsWith("{\"");
        }
        // A second pass finds nothing left to do.
        assertThat(connections.rewrap(new SecretCipher(next, List.of(running))).rewrapped()).isZero();

        RewrapReport addresses = notifications.rewrap(new SecretCipher(next, List.of(running)));
        assertThat(addresses.rewrapped()).isEqualTo(addresses.checked()).isGreaterThanOrEqualTo(1);

        RewrapReport back = connections.rewrap(new SecretCipher(running, List.of(next)));
        assertThat(back.rewrapped()).isEqualTo(back.checked());
        assertThat(notifications.rewrap(new SecretCipher(running, List.of(next))).rewrapped()).isEqualTo(addresses.checked());
        // The rotation command over the API (owners only) asks every store, connections and notification addresses;
        // with the running key current again, it finds nothing left to do.
        given().post("/api/v1/vault/rewrap").then().statusCode(200).body("rewrapped", org.hamcrest.Matchers.equalTo(0))
                .body("unreadable", org.hamcrest.Matchers.equalTo(0))
                .body("checked", org.hamcrest.Matchers.greaterThanOrEqualTo(back.checked() + addresses.checked()));
        given().delete("/api/v1/notifications/" + channel).then().statusCode(204);
        List<String> ids = given().get("/api/v1/connections").then().statusCode(200).extract().path("id");
        for (String id : ids) {
            given().get("/api/v1/connections/" + id).then().statusCode(200);
        }
    }
}
