package io.rowflow.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rowflow.common.error.UpstreamException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Slow servers fail a request within its limits, saying why and after how many attempts: one that never answers (the
 * read timeout, each attempt), one that dribbles its body a byte a second (rowflow.http.request-timeout, not retried:
 * the body reader already consumed part of it), and one that dribbles even its headers (the request timeout, retried).
 * The servers are raw sockets, so the pace is exactly the one described.
 */
class RequestDeadlineTest {
    static final Duration READ_TIMEOUT = Duration.ofMillis(1500);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    static HttpSettings settings(int attempts) {
        return new HttpSettings(Duration.ofSeconds(2), READ_TIMEOUT, REQUEST_TIMEOUT, 1 << 20, attempts,
                Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1), Duration.ofSeconds(5), 5, false,
                List.of("127.0.0.0/8"));
    }

    /** A loopback server that handles each connection with {@code conversation} on its own thread. */
    interface Conversation {
        void talk(Socket socket) throws IOException, InterruptedException;
    }

    static final class RawServer implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger connections = new AtomicInteger();

        RawServer(Conversation conversation) throws IOException {
            socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread accepter = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = socket.accept();
                        connections.incrementAndGet();
                        Thread talker = new Thread(() -> {
                            try (s) {
                                conversation.talk(s);
                            } catch (IOException | InterruptedException closed) {
                                // the client gave up
                            }
                        });
                        talker.setDaemon(true);
                        talker.start();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            accepter.setDaemon(true);
            accepter.start();
        }

        String url(String path) {
            return "http://127.0.0.1:" + socket.getLocalPort() + path;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Sends {@code text} a byte a second, forever. */
    static void dribble(OutputStream out, String text) throws IOException, InterruptedException {
        for (int i = 0;; i++) {
            out.write(text.charAt(i % text.length()));
            out.flush();
            Thread.sleep(1000); // the server's pace
        }
    }

    static void get(HttpSettings settings, String url) {
        try (SafeHttpClient client = new SafeHttpClient(settings)) {
            client.execute(HttpRequestSpec.get(URI.create(url), Map.of()), body -> body.stream().readAllBytes());
        }
    }

    @Test
    void aServerThatNeverAnswersFailsAfterEveryAttemptSayingHowManyAndHowLong() throws Exception {
        try (RawServer silent = new RawServer(s -> Thread.sleep(60_000))) {
            Instant start = Instant.now();
            assertThatThrownBy(() -> get(settings(3), silent.url("/never"))).isInstanceOf(UpstreamException.class)
                    .hasMessageMatching("GET http://127\\.0\\.0\\.1:\\d+/never: the server did not answer within 1500 ms;"
                            + " gave up after 3 attempts over [4-6]\\.\\d s");
            Duration took = Duration.between(start, Instant.now());
            System.out.printf("never answers: failed after %d ms, %d connections%n", took.toMillis(),
                    silent.connections.get());
            assertThat(took).isBetween(Duration.ofMillis(4500), Duration.ofSeconds(7));
            assertThat(silent.connections.get()).isEqualTo(3);
        }
    }

    @Test
    void aBodyTricklingInAByteASecondEndsAtTheRequestTimeoutAndIsNotReadTwice() throws Exception {
        try (RawServer trickle = new RawServer(s -> {
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 1000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            dribble(out, "a,b\n1,2\n");
        })) {
            Instant start = Instant.now();
            assertThatThrownBy(() -> get(settings(3), trickle.url("/trickle.csv"))).isInstanceOf(UpstreamException.class)
                    .hasMessageMatching("GET http://127\\.0\\.0\\.1:\\d+/trickle\\.csv: the answer was still incomplete"
                            + " after 3 s \\(rowflow\\.http\\.request-timeout\\), the longest one request may take; the"
                            + " server sends it too slowly, or the file is larger than that time allows");
            Duration took = Duration.between(start, Instant.now());
            System.out.printf("trickling body: failed after %d ms, %d connections%n", took.toMillis(),
                    trickle.connections.get());
            assertThat(took).isBetween(REQUEST_TIMEOUT, REQUEST_TIMEOUT.plusSeconds(2));
            assertThat(trickle.connections.get()).as("the body reader is called once").isEqualTo(1);
        }
    }

    @Test
    void headersTricklingInAreCutAtTheRequestTimeoutAndTriedAgain() throws Exception {
        try (RawServer trickle = new RawServer(s -> dribble(s.getOutputStream(), "HTTP/1.1 200 OK\r\nX-Slow: "))) {
            Instant start = Instant.now();
            assertThatThrownBy(() -> get(settings(2), trickle.url("/slow-headers"))).isInstanceOf(UpstreamException.class)
                    .hasMessageMatching("GET http://127\\.0\\.0\\.1:\\d+/slow-headers: the server did not answer within"
                            + " 3 s \\(rowflow\\.http\\.request-timeout\\); gave up after 2 attempts over 6\\.\\d s");
            Duration took = Duration.between(start, Instant.now());
            System.out.printf("trickling headers: failed after %d ms, %d connections%n", took.toMillis(),
                    trickle.connections.get());
            assertThat(trickle.connections.get()).isEqualTo(2);
        }
    }
}
