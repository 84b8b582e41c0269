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

    /**
     * A body sent in chunks declares no length: it is cut off while being read, at the general limit (2M), even though
     * Quarkus' own limit is the larger one uploads need. What arrives is an error, never a flow made from 3 MB.
     */
    @Test
    void aChunkedBodyOverTheLimitIsCutOff() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/flows HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("64000\r\n" + "[".repeat(0x64000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 8; i++) { // 3.1 MB in all
                    out.write(chunk);
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException closed) {
                // The server stopped reading and closed: what the limit is for.
            }
            String answer;
            try {
                answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException reset) {
                answer = "";
            }
            assertThat(answer).satisfiesAnyOf(a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 413"));
        }
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
