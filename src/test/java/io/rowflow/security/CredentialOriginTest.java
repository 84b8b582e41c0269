package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.rowflow.testing.FakeHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection's credentials go only to the origin (scheme, host, port) they were entered for: not after the URL is
 * changed with the secret left out, not through a flow's parameters, not on a redirect, not to a next-page link. Two
 * local servers are two origins (their ports differ); the second records every header it receives.
 */
@QuarkusTest
class CredentialOriginTest {
    private static final String SECRET = "origin-bound-secret-7731";
    private static final Map<String, Object> SECRET_HEADERS = Map.of("Authorization", "Bearer " + SECRET,
            "X-Api-Key", SECRET, "Cookie", "session=" + SECRET);

    /** Each request the second origin received, as its header lines. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer home;
    private HttpServer elsewhere;

    @BeforeEach
    void startServers() {
        elsewhere = FakeHttp.serve(exchange -> {
            received.add(exchange.getRequestURI() + " " + exchange.getRequestHeaders().entrySet());
            if (exchange.getRequestURI().getPath().endsWith(".json")) {
                FakeHttp.json(exchange, 200, Map.of("items", List.of(Map.of("n", 2))), Map.of());
            } else {
                answer(exchange, "text/csv", "n\n2\n");
            }
            exchange.close();
        });
        home = FakeHttp.serve(exchange -> {
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/moved.csv" -> {
                    exchange.getResponseHeaders().set("Location", FakeHttp.baseUrl(elsewhere) + "/landing.csv");
                    exchange.sendResponseHeaders(302, -1);
                }
                case "/pages.json" -> FakeHttp.json(exchange, 200, Map.of("items", List.of(Map.of("n", 1)),
                        "next", FakeHttp.baseUrl(elsewhere) + "/page-2.json"), Map.of());
                default -> answer(exchange, "text/csv", "n\n1\n");
            }
            exchange.close();
        });
        io.rowflow.testing.Api.SECRETS_USED.add(SECRET);
    }

    @AfterEach
    void stopServers() {
        home.stop(0);
        elsewhere.stop(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private String url(HttpServer server, String path) {
        return FakeHttp.baseUrl(server) + path;
    }

    private void assertNoCredentialReachedElsewhere() {
        assertThat(received).allSatisfy(request -> assertThat(request).doesNotContain(SECRET)
                .doesNotContainIgnoringCase("authorization").doesNotContainIgnoringCase("x-api-key")
                .doesNotContainIgnoringCase("cookie"));
    }

    @Test
    void aNewOriginNeedsTheSecretsAgain() {
        String id = createConnection("csv-url", Map.of("url", url(home, "/a.csv"), "headers", SECRET_HEADERS));
        given().contentType(ContentType.JSON).body(Map.of("name", "moved", "connectorId", "csv-url", "config",
                Map.of("url", url(elsewhere, "/a.csv")))).put("/api/v1/connections/" + id).then().statusCode(422)
                .body("errors[0].field", equalTo("config.headers"))
                .body("errors[0].message", containsString("enter it again"));
        given().post("/api/v1/connections/" + id + "/check").then().statusCode(200).body("ok", equalTo(true));
        assertThat(received).isEmpty();

        // Another path on the same origin keeps the secret.
        given().contentType(ContentType.JSON).body(Map.of("name", "same place", "connectorId", "csv-url", "config",
                Map.of("url", url(home, "/b.csv")))).put("/api/v1/connections/" + id).then().statusCode(200)
                .body("secretFields", equalTo(List.of("headers")));

        // Secrets entered again for the new origin go there, and only they.
        given().contentType(ContentType.JSON).body(Map.of("name", "moved", "connectorId", "csv-url", "config",
                Map.of("url", url(elsewhere, "/a.csv"), "headers", Map.of("X-Other", "for-elsewhere"))))
                .put("/api/v1/connections/" + id).then().statusCode(200);
        given().post("/api/v1/connections/" + id + "/check").then().statusCode(200).body("ok", equalTo(true));
        assertThat(received).hasSize(1).first().asString().contains("for-elsewhere");
        assertNoCredentialReachedElsewhere();
    }

    @Test
    void aFlowsParametersCannotSendTheConnectionsCredentialsElsewhere() {
        String id = createConnection("csv-url", Map.of("url", url(home, "/a.csv"), "headers", SECRET_HEADERS));
        for (String path : List.of("/api/v1/flows", "/api/v1/flows/preview")) {
            given().contentType(ContentType.JSON).body(Map.of("name", "exfiltrate", "sources", List.of(Map.of(
                    "connectionId", id, "parameters", Map.of("url", url(elsewhere, "/a.csv")))), "destinations",
                    List.of(Map.of("type", "excel")))).post(path).then().statusCode(422)
                    .body("errors[0].field", equalTo("sources[0].parameters.url"))
                    .body("errors[0].message", containsString("a flow may only change the path"));
        }
        // A secret in a flow's parameters would be stored in clear and shown to every member: refused.
        given().contentType(ContentType.JSON).body(Map.of("name", "secret in flow", "sources", List.of(Map.of(
                "connectionId", id, "parameters", Map.of("headers", Map.of("X-Api-Key", "in-a-flow")))),
                "destinations", List.of(Map.of("type", "excel")))).post("/api/v1/flows").then().statusCode(422)
                .body("errors[0].field", equalTo("sources[0].parameters.headers"))
                .body("errors[0].message", containsString("is a secret of the connection"));
        // The path on the connection's own origin may change (a file per day).
        given().contentType(ContentType.JSON).body(Map.of("name", "same origin", "sources", List.of(Map.of(
                "connectionId", id, "parameters", Map.of("url", url(home, "/other.csv"), "delimiter", ","))),
                "destinations", List.of(Map.of("type", "excel")))).post("/api/v1/flows").then().statusCode(201);
        assertThat(received).isEmpty();
    }

    @Test
    void aRedirectToAnotherOriginDropsTheCredentials() {
        String id = createConnection("csv-url", Map.of("url", url(home, "/moved.csv"), "headers", SECRET_HEADERS));
        given().post("/api/v1/connections/" + id + "/check").then().statusCode(200).body("ok", equalTo(true));
        assertThat(received).hasSize(1).first().asString().startsWith("/landing.csv");
        assertNoCredentialReachedElsewhere();
    }

    @Test
    void aNextLinkToAnotherOriginIsFollowedWithoutTheCredentials() {
        String id = createConnection("json-url", Map.of("url", url(home, "/pages.json"), "recordsPath", "items",
                "headers", SECRET_HEADERS, "secretQuery", Map.of("api_key", SECRET),
                "pagination", Map.of("type", "next_link", "nextLinkPath", "next")));
        String flow = io.rowflow.testing.Api.createExcelFlow(id, Map.of());
        assertThat(io.rowflow.testing.Api.runSucceeds(flow).getLong("destinations[0].rowsWritten")).isEqualTo(2);
        assertThat(received).hasSize(1).first().asString().startsWith("/page-2.json");
        assertNoCredentialReachedElsewhere();
    }
}
