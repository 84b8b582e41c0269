package io.rowflow.api;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.rowflow.testing.FakeApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * With Rowflow logging at DEBUG into a file, a flow that authenticates with a secret header and an API key in its
 * query string leaves no trace of either in the log.
 */
@QuarkusTest
class SecretsStayOutOfLogsTest {
    @Test
    void aSecretHeaderNeverReachesTheDebugLog() throws Exception {
        FakeApi api = FakeApi.shared();
        String connection = given().contentType(ContentType.JSON).body(Map.of("name", "private", "connectorId", "json-url",
                "config", Map.of("url", api.url("/json/private?api_key=query-secret-77"), "recordsPath", "data",
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
        assertThat(log).doesNotContain(FakeApi.PRIVATE_TOKEN).doesNotContain("query-secret-77");
    }
}
