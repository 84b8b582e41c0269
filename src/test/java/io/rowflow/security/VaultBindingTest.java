package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.rowflow.testing.FakeApi;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A connection's ciphertext is bound to its workspace and id: copied or moved, it no longer decrypts. */
@QuarkusTest
class VaultBindingTest {
    @Inject
    EntityManager em;

    private static String connection(String secret) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "vault", "connectorId", "csv-url",
                "config", Map.of("url", FakeApi.shared().url("/files/vault.csv"), "headers", Map.of("X-Key", secret))))
                .post("/api/v1/connections").then().statusCode(201).extract().path("id");
    }

    private String column(String id, String column) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "select cast(" + column + " as varchar) from connection where id = cast(:id as uuid)").setParameter("id", id)
                .getSingleResult());
    }

    private void set(String id, String column, String value) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update connection set " + column
                + " = " + (column.endsWith("_id") ? "cast(:v as uuid)" : ":v") + " where id = cast(:id as uuid)")
                .setParameter("v", value).setParameter("id", id).executeUpdate());
    }

    @Test
    void aCiphertextCopiedToAnotherConnectionOrWorkspaceDoesNotDecrypt() {
        FakeApi.shared().putFile("/files/vault.csv", "a\n1\n");
        String first = connection("vault-secret-one");
        String second = connection("vault-secret-two");
        String ciphertext = column(first, "secrets_ciphertext");
        assertThat(ciphertext).startsWith("v2:").doesNotContain("vault-secret-one");

        String own = column(second, "secrets_ciphertext");
        set(second, "secrets_ciphertext", ciphertext);
        given().get("/api/v1/connections/" + second).then().statusCode(500)
                .body("type", equalTo("urn:rowflow:problem:secret-unreadable"));
        set(second, "secrets_ciphertext", own);
        given().get("/api/v1/connections/" + second).then().statusCode(200).body("secretFields[0]", equalTo("headers"));

        // The same ciphertext in its own row, but the row moved to another workspace: refused too.
        String workspace = column(first, "workspace_id");
        String other = given().contentType(ContentType.JSON).body(Map.of("name", "elsewhere")).post("/api/v1/workspaces")
                .then().statusCode(201).extract().path("id");
        set(first, "workspace_id", other);
        given().header("Rowflow-Workspace", other).get("/api/v1/connections/" + first).then().statusCode(500)
                .body("type", equalTo("urn:rowflow:problem:secret-unreadable"));
        set(first, "workspace_id", workspace);
        given().get("/api/v1/connections/" + first).then().statusCode(200);
        assertThat(UUID.fromString(other)).isNotNull();
    }
}
