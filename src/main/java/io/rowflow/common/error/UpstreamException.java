package io.rowflow.common.error;

import java.util.List;

/**
 * An external system (a source URL, an API) failed or refused us. {@code upstreamMessage} keeps what the other side
 * said, so a user can act on it.
 */
public class UpstreamException extends RowflowException {
    private final String upstreamMessage;

    public UpstreamException(String message, String upstreamMessage, Throwable cause) {
        super(message, List.of(), cause);
        this.upstreamMessage = upstreamMessage;
    }

    public UpstreamException(String message) {
        this(message, null, null);
    }

    public String upstreamMessage() {
        return upstreamMessage;
    }

    @Override
    public String problemType() {
        return "upstream-failure";
    }

    @Override
    public String title() {
        return "The external system failed";
    }
}
