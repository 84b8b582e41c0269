package io.rowflow.http;

import java.io.IOException;

/** The response body grew past {@code rowflow.http.max-response-bytes}; reading stopped there. */
public class ResponseTooLargeException extends IOException {
    public ResponseTooLargeException(long limit) {
        super("The response body is larger than the limit of " + limit + " bytes (rowflow.http.max-response-bytes)");
    }
}
