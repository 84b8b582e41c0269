package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * /q/metrics answers the scrape token only (test: rowflow.metrics.token=test-scrape-token): not anonymous callers,
 * not a wrong token, not even an admin's API token; health stays open for the probes.
 */
@QuarkusTest
class MetricsAccessTest {
    @Test
    void theScrapeTokenReadsTheMetrics() {
        given().header("Authorization", "Bearer test-scrape-token").get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void anyoneElseGetsAProblem() {
        for (String authorization : new String[] { "", "Bearer wrong", "Bearer test-scrape-tokenX", "Basic dGVzdA==" }) {
            given().header("Authorization", authorization).get("/q/metrics").then().statusCode(401).contentType("application/problem+json")
                    .header("WWW-Authenticate", "Bearer realm=\"rowflow-metrics\"")
                    .body("status", equalTo(401)).body("type", equalTo("urn:rowflow:problem:not-signed-in"))
                    .body("detail", equalTo("The metrics need the scrape token (rowflow.metrics.token) as"
                            + " 'Authorization: Bearer <token>'"))
                    .body("instance", equalTo("/q/metrics"));
        }
        // An admin's API token (sent by the suite's filter when a request has no credentials) is not the scrape token.
        given().get("/q/metrics").then().statusCode(401);
        given().header("Authorization", "").get("//q/metrics").then().statusCode(org.hamcrest.Matchers.not(200));
    }

    @Test
    void healthStaysOpenForProbes() {
        given().header("Authorization", "").get("/q/health/ready").then().statusCode(200);
    }
}
