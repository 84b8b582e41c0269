package io.rowflow.common.error;

/** The request conflicts with the current state of the resource (e.g. cancelling a finished run). */
public class ConflictException extends RowflowException {
    public ConflictException(String message) {
        super(message);
    }

    @Override
    public String problemType() {
        return "conflict";
    }

    @Override
    public String title() {
        return "Conflict";
    }
}
