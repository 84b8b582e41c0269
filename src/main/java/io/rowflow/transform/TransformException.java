package io.rowflow.transform;

import io.rowflow.common.error.FieldError;
import io.rowflow.common.error.InvalidInputException;
import java.util.List;
import java.util.stream.Collectors;

/** A transform step that cannot run as written: where it is in the flow (e.g. {@code steps[2].where}) and why. */
public class TransformException extends InvalidInputException {
    private final String field;

    public TransformException(String field, String message) {
        super(field + ": " + message, List.of(new FieldError(field, message)));
        this.field = field;
    }

    /** Several fields of one step, each with its reason; {@link #field} is the first. */
    public TransformException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")), errors);
        this.field = errors.get(0).field();
    }

    public String field() {
        return field;
    }
}
