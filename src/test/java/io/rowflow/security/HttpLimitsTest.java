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
import java.util.List;
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
     * A body sent in chunks, its length never declared, is cut off at the same 2 MiB on a route anyone may call: the
     * larger limit uploads have is not every route's. The body is the JSON a sign-in takes, well formed, its e-mail
     * address {@code size} bytes long: read whole, it would be refused for what it says (400), not for its size.
     */
    static String chunkedSignIn(int size) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), RestAssured.port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            List<byte[]> chunks = new java.util.ArrayList<>();
            chunks.add("{\"email\":\"".getBytes(StandardCharsets.US_ASCII));
            for (int sent = 0; sent < size; sent += 64 * 1024) {
                chunks.add("a".repeat(Math.min(64 * 1024, size - sent)).getBytes(StandardCharsets.US_ASCII));
            }
            chunks.add("@example.org\",\"password\":\"p\"}".getBytes(StandardCharsets.US_ASCII));
            try {
                for (byte[] chunk : chunks) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException closedByTheServer) {
                // The server may answer and close before the whole body is sent: its answer is read below.
            }
            // The status line only: the connection may stay open after the answer.
            StringBuilder status = new StringBuilder();
            InputStream in = socket.getInputStream();
            for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
                status.append((char) b);
            }
            return status.toString().strip();
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedOnAnOrdinaryRoute() throws Exception {
        assertThat(chunkedSignIn(1_000_000)).as("1 MB, read whole").doesNotStartWith("HTTP/1.1 413 ");
        assertThat(chunkedSignIn(3_000_000)).as("3 MB").startsWith("HTTP/1.1 413 ");
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
