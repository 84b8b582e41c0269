package io.rowflow.transform;

import io.rowflow.common.error.FieldError;
import io.rowflow.common.error.InvalidInputException;
import java.util.List;

/** A transform step that cannot run as written: where it is in the flow (e.g. {@code steps[2].where}) and why. */
public class TransformException extends InvalidInputException {
    private final String field;

    public TransformException(String field, String message) {
        super(field + ": " + message, List.of(new FieldError(field, message)));
        this.field = field;
    }

    public String field() {
        return field;
    }
}
