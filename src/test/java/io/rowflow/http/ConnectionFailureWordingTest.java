package io.rowflow.http;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rowflow.common.error.UpstreamException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A failed connection is told in plain words, without Java class names: what a user reads in a run's error. */
class ConnectionFailureWordingTest {
    static final HttpSettings SETTINGS = new HttpSettings(Duration.ofSeconds(2), Duration.ofMillis(300),
            Duration.ofSeconds(5), 1 << 20, 2,
            Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofSeconds(1), Duration.ofSeconds(5), 5, false,
            List.of("127.0.0.0/8"));

    static void get(String url) {
        try (SafeHttpClient client = new SafeHttpClient(SETTINGS)) {
            client.execute(HttpRequestSpec.get(URI.create(url), Map.of()), body -> body.stream().readAllBytes());
        }
    }

    @Test
    void aClosedPortIsARefusedConnection() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        int closed = port;
        assertThatThrownBy(() -> get("http://127.0.0.1:" + closed + "/x")).isInstanceOf(UpstreamException.class)
                .hasMessageMatching("GET http://127\\.0\\.0\\.1:" + closed + "/x: the connection was refused; gave up after 2"
                        + " attempts over \\d\\.\\d s");
    }

    @Test
    void aServerThatNeverAnswersTimesOutInWords() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread accepter = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept(); // kept open, never answered
                        s.getInputStream();
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            accepter.setDaemon(true);
            accepter.start();
            int port = silent.getLocalPort();
            assertThatThrownBy(() -> get("http://127.0.0.1:" + port + "/slow")).isInstanceOf(UpstreamException.class)
                    .hasMessageMatching("GET http://127\\.0\\.0\\.1:" + port + "/slow: the server did not answer within"
                            + " 300 ms; gave up after 2 attempts over 0\\.[6-9] s");
        }
    }

    @Test
    void anUnknownHostIsSaidSo() {
        assertThatThrownBy(() -> get("http://no-such-host.invalid/data.csv")).isInstanceOf(UpstreamException.class)
                .hasMessageMatching("GET http://no-such-host\\.invalid/data\\.csv: the host name could not be resolved;"
                        + " gave up after 2 attempts over \\d+\\.\\d s");
    }
}
