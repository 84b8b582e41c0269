package io.rowflow.api;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.rowflow.testing.Api;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import io.restassured.http.ContentType;
import io.rowflow.testing.FakeApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs last. With Rowflow logging at DEBUG into a file for the whole suite, no secret the tests used — a secret header,
 * an API key in the query string, passwords, API tokens, session ids — appears in the log or in the database.
 */
@QuarkusTest
@Order(Integer.MAX_VALUE)
class SecretsStayOutOfLogsTest {
    @Inject
    EntityManager em;

    @Test
    void aSecretHeaderNeverReachesTheDebugLog() throws Exception {
        FakeApi api = FakeApi.shared();
        String connection = given().contentType(ContentType.JSON).body(Map.of("name", "private", "connectorId", "json-url",
                "config", Map.of("url", api.url("/json/private"), "secretQuery", Map.of("api_key", "query-secret-77"),
                        "recordsPath", "data",
                        "headers", Map.of("Authorization", "Bearer " + FakeApi.PRIVATE_TOKEN))))
                .post("/api/v1/connections").then().statusCode(201).extract().path("id");
        runSucceeds(createExcelFlow(connection, Map.of()));
        given().post("/api/v1/connections/" + connection + "/check").then().statusCode(200);
        given().get("/api/v1/flows/" + UUID.randomUUID()).then().statusCode(404);

        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of("target/test-logs"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("rowflow.log")).toList()) {
                all.append(Files.readString(file));
            }
        }
        String log = all.toString();
        // DEBUG really was on: the test cannot pass on a quiet log.
        assertThat(log).containsPattern("DEBUG \\[io\\.ro[^\\]]*ProblemMapper\\] .*answered 404");
        // The HTTP client stays at INFO whatever the level, so its request lines (with query strings) never print.
        assertThat(log).doesNotContainPattern("DEBUG \\[org\\.apa\\.hc");
        List<String> secrets = new ArrayList<>(Api.SECRETS_USED);
        secrets.addAll(List.of(FakeApi.PRIVATE_TOKEN, "query-secret-77"));
        assertThat(secrets).hasSizeGreaterThan(5);
        String database = dump();
        assertThat(database).contains("connection").contains("argon2id"); // the dump really holds the tables
        for (String secret : secrets) {
            assertThat(log).as("the log").doesNotContain(secret);
            assertThat(database).as("the database").doesNotContain(secret);
        }
    }

    /** Every row of every table of Rowflow's schema, as text. */
    private String dump() {
        return QuarkusTransaction.requiringNew().call(() -> {
            StringBuilder out = new StringBuilder();
            List<?> tables = em.createNativeQuery("select table_name from information_schema.tables"
                    + " where table_schema = 'public' and table_type = 'BASE TABLE'").getResultList();
            for (Object table : tables) {
                out.append("== ").append(table).append('\n');
                for (Object row : em.createNativeQuery("select cast(t as text) from \"" + table + "\" t").getResultList()) {
                    out.append(row).append('\n');
                }
            }
            return out.toString();
        });
    }
}
