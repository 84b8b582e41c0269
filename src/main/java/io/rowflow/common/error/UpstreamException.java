package io.rowflow.common.error;

import java.util.List;

/**
 * An external system (a source URL, an API) failed or refused us. {@code upstreamMessage} keeps what the other side
 * said, so a user can act on it.
 */
public class UpstreamException extends RowflowException {
    private final String upstreamMessage;
    private final boolean passing;
    private final int status;

    public UpstreamException(String message, String upstreamMessage, Throwable cause) {
        this(message, upstreamMessage, cause, false);
    }

    /** {@code passing}: the failure may go away by itself (a server down, a rate limit), so a later run may succeed. */
    public UpstreamException(String message, String upstreamMessage, Throwable cause, boolean passing) {
        this(message, upstreamMessage, cause, passing, 0);
    }

    /** {@code status}: the HTTP status the other side answered, 0 when there was no answer. */
    public UpstreamException(String message, String upstreamMessage, Throwable cause, boolean passing, int status) {
        super(message, List.of(), cause);
        this.upstreamMessage = upstreamMessage;
        this.passing = passing;
        this.status = status;
    }

    public int status() {
        return status;
    }

    public boolean passing() {
        return passing;
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
