package io.rowflow.common.error;

import java.time.Duration;

/** A rate limit was reached; the client may try again after {@link #retryAfter()}. */
public class TooManyRequestsException extends RowflowException {
    private final Duration retryAfter;

    public TooManyRequestsException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    @Override
    public String problemType() {
        return "rate-limited";
    }

    @Override
    public String title() {
        return "Too many requests";
    }
}
