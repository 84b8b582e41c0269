package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the HTTP layer refuses before any endpoint runs still answers RFC 9457 problem+json: 413, 414, 431. */
@QuarkusTest
class HttpLimitsTest {
    /** Sends the request head only (a body is announced but not sent) and reads the whole answer. */
    static String raw(String head) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBodyOverTheLimitIs413WithAProblem() throws Exception {
        String answer = raw("POST /api/v1/flows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 3000000\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 413 ").containsIgnoringCase("content-type: application/problem+json")
                .endsWith("{\"type\":\"urn:rowflow:problem:content-too-large\",\"title\":\"Content Too Large\",\"status\":413,"
                        + "\"detail\":\"The request body has 3000000 bytes; at most 2097152 are accepted\","
                        + "\"instance\":\"/api/v1/flows\"}");
    }

    @Test
    void anAddressOverTheLimitIs414WithAProblem() {
        given().queryParam("q", "x".repeat(9000)).get("/api/v1/flows").then().statusCode(414)
                .contentType("application/problem+json").body("type", equalTo("urn:rowflow:problem:uri-too-long"))
                .body("status", equalTo(414)).body("title", equalTo("URI Too Long"))
                .body("detail", equalTo("The request's address is 9016 characters long; at most 8192 are accepted"));
    }

    @Test
    void headersOverTheLimitAre431WithAProblem() {
        given().header("X-Padding", "p".repeat(25_000)).get("/api/v1/flows").then().statusCode(431)
                .contentType("application/problem+json").body("type", equalTo("urn:rowflow:problem:headers-too-large"))
                .body("status", equalTo(431)).body("instance", equalTo("/api/v1/flows"));
    }

    @Test
    void requestsWithinTheLimitsAreServed() {
        given().queryParam("q", "x".repeat(7000)).get("/api/v1/flows").then().statusCode(200);
        given().header("X-Padding", "p".repeat(15_000)).get("/api/v1/flows").then().statusCode(200);
    }
}
