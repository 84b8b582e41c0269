package io.rowflow.connector.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A database driver's socket goes to the address the network guard checked, whatever host it asks for: here a name
 * that resolves nowhere reaches the local listener it was pinned to, on the port the driver asked for.
 */
class PinnedSocketFactoryTest {
    @Test
    void everySocketConnectsToThePinnedAddressOnThePortAsked() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Properties properties = new Properties();
            properties.setProperty(PinnedSocketFactory.PINNED_ADDRESS, "127.0.0.1");
            PinnedSocketFactory factory = new PinnedSocketFactory(properties);
            try (Socket socket = factory.createSocket()) {
                socket.connect(InetSocketAddress.createUnresolved("db.example.invalid", listener.getLocalPort()), 2000);
                try (Socket accepted = listener.accept()) {
                    assertThat(accepted.getPort()).isEqualTo(socket.getLocalPort());
                    assertThat(socket.getInetAddress().getHostAddress()).isEqualTo("127.0.0.1");
                }
            }
            try (Socket socket = factory.createSocket("db.example.invalid", listener.getLocalPort());
                    Socket accepted = listener.accept()) {
                assertThat(socket.isConnected()).isTrue();
                assertThat(accepted.getPort()).isEqualTo(socket.getLocalPort());
            }
        }
    }

    @Test
    void withoutACheckedAddressNoSocketIsMade() {
        assertThatThrownBy(() -> new PinnedSocketFactory(new Properties()).createSocket())
                .isInstanceOf(IOException.class).hasMessageContaining("No checked address");
        Properties named = new Properties();
        named.setProperty(PinnedSocketFactory.PINNED_ADDRESS, "db.example.org"); // a name, never looked up here
        assertThatThrownBy(() -> new PinnedSocketFactory(named).createSocket()).isInstanceOf(IOException.class);
    }
}
