package io.rowflow.http;

import java.net.UnknownHostException;

/**
 * The address is refused by the {@link NetworkGuard}. It extends UnknownHostException so that the HTTP client treats it
 * as a failed resolution and never opens a socket.
 */
public class BlockedAddressException extends UnknownHostException {
    public BlockedAddressException(String message) {
        super(message);
    }
}
