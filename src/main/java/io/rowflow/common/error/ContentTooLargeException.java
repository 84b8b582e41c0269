package io.rowflow.common.error;

/** A request body (an uploaded file) larger than the configured limit; 413. */
public class ContentTooLargeException extends RowflowException {
    public ContentTooLargeException(String message) {
        super(message);
    }

    @Override
    public String problemType() {
        return "content-too-large";
    }

    @Override
    public String title() {
        return "Content Too Large";
    }
}
