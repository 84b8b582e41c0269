package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.rowflow.testing.FakeHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One workspace's slow fetches take its own share of the node's outbound requests, not another workspace's. */
@QuarkusTest
class OutboundSharesTest {
    @Test
    void slowFetchesOfOneWorkspaceDoNotHoldUpAnothersCheck() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = FakeHttp.serve(exchange -> {
            if (exchange.getRequestURI().getPath().equals("/slow.csv")) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "a\n1\n".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/csv");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        String other = given().contentType(ContentType.JSON).body(Map.of("name", "slow neighbour"))
                .post("/api/v1/workspaces").then().statusCode(201).extract().path("id");
        String slow = connection(given().header("Rowflow-Workspace", other), FakeHttp.baseUrl(server) + "/slow.csv");
        String fast = connection(given(), FakeHttp.baseUrl(server) + "/fast.csv");
        List<CompletableFuture<Integer>> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> given().header("Rowflow-Workspace", other)
                        .post("/api/v1/connections/" + slow + "/check").statusCode()));
            }
            Thread.sleep(1000); // every slow check has sent its request or is waiting for a turn
            Instant start = Instant.now();
            given().post("/api/v1/connections/" + fast + "/check").then().statusCode(200).body("ok", equalTo(true));
            // Starved, the check would wait for the held slow requests, which are released only below.
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        } finally {
            release.countDown();
            for (CompletableFuture<Integer> check : waiting) {
                assertThat(check.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            }
            server.stop(0);
        }
    }

    private static String connection(RequestSpecification as, String url) {
        return as.contentType(ContentType.JSON).body(Map.of("name", "shares", "connectorId", "csv-url", "config",
                Map.of("url", url))).post("/api/v1/connections").then().statusCode(201).extract().path("id");
    }
}
