package io.rowflow.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The start of a PostgreSQL server that refuses every password, speaking the wire protocol as PostgreSQL does
 * (https://www.postgresql.org/docs/current/protocol-flow.html): no TLS offered ('N'), a cleartext password asked for
 * (AuthenticationCleartextPassword), then FATAL 28P01 "password authentication failed for user …". The local
 * PostgreSQL trusts every connection from 127.0.0.1 (pg_hba.conf), so it never checks a password and cannot refuse one.
 */
public final class FakePostgresPasswordCheck implements AutoCloseable {
    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;

    private final ServerSocket server;
    /** The passwords clients sent, in order. */
    public final List<String> passwords = new CopyOnWriteArrayList<>();

    public FakePostgresPasswordCheck() {
        try {
            server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread accepting = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket client = server.accept()) {
                    refuse(client);
                } catch (IOException e) {
                    // closed, or a client that went away: the next one is answered alike
                }
            }
        }, "fake-postgres");
        accepting.setDaemon(true);
        accepting.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void refuse(Socket client) throws IOException {
        DataInputStream in = new DataInputStream(client.getInputStream());
        DataOutputStream out = new DataOutputStream(client.getOutputStream());
        String user = "";
        while (true) { // requests for TLS or GSS encryption come before the startup message: refused with 'N'
            int length = in.readInt();
            byte[] rest = new byte[length - 4];
            in.readFully(rest);
            int code = ((rest[0] & 0xff) << 24) | ((rest[1] & 0xff) << 16) | ((rest[2] & 0xff) << 8) | (rest[3] & 0xff);
            if (code == SSL_REQUEST || code == GSS_REQUEST) {
                out.writeByte('N');
                out.flush();
                continue;
            }
            String[] parameters = new String(rest, 4, rest.length - 4, StandardCharsets.UTF_8).split("\0");
            for (int i = 0; i + 1 < parameters.length; i += 2) {
                if (parameters[i].equals("user")) {
                    user = parameters[i + 1];
                }
            }
            break;
        }
        out.writeByte('R');
        out.writeInt(8);
        out.writeInt(3); // AuthenticationCleartextPassword
        out.flush();
        if (in.readByte() != 'p') {
            return;
        }
        byte[] password = new byte[in.readInt() - 4];
        in.readFully(password);
        passwords.add(new String(password, 0, password.length - 1, StandardCharsets.UTF_8));
        byte[] fields = ("SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user \"" + user
                + "\"\0Fauth.c\0L326\0Rauth_failed\0\0").getBytes(StandardCharsets.UTF_8);
        out.writeByte('E');
        out.writeInt(4 + fields.length);
        out.write(fields);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
