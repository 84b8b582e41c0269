package io.rowflow.connector.sql;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Properties;
import javax.net.SocketFactory;

/**
 * The socket factory PostgreSQL's driver is given: every socket connects to the address the network guard checked,
 * whatever address the driver asks for. The driver keeps the host's name, so TLS checks the server's certificate
 * against that name (verify-full), while a second DNS answer cannot steer the connection to a private address. The
 * driver builds it from the connection's properties, which carry the checked address as {@value #PINNED_ADDRESS}.
 * (MariaDB's driver loads a socket factory with its own class loader, which cannot see the application's classes
 * under Quarkus; it connects to the checked address's literal instead.)
 */
public final class PinnedSocketFactory extends SocketFactory {
    /** The connection property holding the checked address, an IP literal. */
    static final String PINNED_ADDRESS = "rowflowPinnedAddress";

    private final InetAddress pinned;

    /** PostgreSQL's driver passes the connection's properties. */
    public PinnedSocketFactory(Properties properties) {
        this.pinned = literal(properties.getProperty(PINNED_ADDRESS));
    }

    /** The checked address. Only IP literals are set (Rowflow writes them), so no name is looked up here. */
    private static InetAddress literal(String address) {
        if (address == null || !address.matches("[0-9A-Fa-f:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(address);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    private InetAddress pinned() throws IOException {
        if (pinned == null) {
            // Never connect unchecked: a driver built without the checked address gets no socket at all.
            throw new IOException("No checked address for this connection");
        }
        return pinned;
    }

    @Override
    public Socket createSocket() throws IOException {
        return new PinnedSocket(pinned());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(port);
    }

    private Socket connected(int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(pinned(), port));
        return socket;
    }

    /** A socket whose every connect goes to the pinned address, on the port asked for. */
    private static final class PinnedSocket extends Socket {
        private final InetAddress pinned;

        PinnedSocket(InetAddress pinned) {
            this.pinned = pinned;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress asked)) {
                throw new IOException("A database connects over TCP only");
            }
            super.connect(new InetSocketAddress(pinned, asked.getPort()), timeout);
        }
    }
}
