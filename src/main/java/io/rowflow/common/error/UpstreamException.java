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
    private final java.time.Duration retryAfter;

    public UpstreamException(String message, String upstreamMessage, Throwable cause) {
        this(message, upstreamMessage, cause, false);
    }

    /** {@code passing}: the failure may go away by itself (a server down, a rate limit), so a later run may succeed. */
    public UpstreamException(String message, String upstreamMessage, Throwable cause, boolean passing) {
        this(message, upstreamMessage, cause, passing, 0);
    }

    /** {@code status}: the HTTP status the other side answered, 0 when there was no answer. */
    public UpstreamException(String message, String upstreamMessage, Throwable cause, boolean passing, int status) {
        this(message, upstreamMessage, cause, passing, status, null);
    }

    /** {@code retryAfter}: how long the other side asked to be left alone before the next try (null: it did not say). */
    public UpstreamException(String message, String upstreamMessage, Throwable cause, boolean passing, int status,
            java.time.Duration retryAfter) {
        super(message, List.of(), cause);
        this.upstreamMessage = upstreamMessage;
        this.passing = passing;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The wait the other side asked for, here or in the failure this one wraps; null when none was asked. */
    public java.time.Duration retryAfter() {
        for (Throwable t = this; t != null; t = t.getCause()) {
            if (t instanceof UpstreamException upstream && upstream.retryAfter != null) {
                return upstream.retryAfter;
            }
        }
        return null;
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
