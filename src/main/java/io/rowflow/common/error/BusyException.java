package io.rowflow.common.error;

import java.time.Duration;

/** The server is at capacity for this kind of request (not this client's fault); answered 503 with Retry-After. */
public class BusyException extends TooManyRequestsException {
    public BusyException(String message, Duration retryAfter) {
        super(message, retryAfter);
    }

    @Override
    public String problemType() {
        return "busy";
    }

    @Override
    public String title() {
        return "Server busy";
    }
}
