package io.rowflow.common.error;

import java.util.List;
import java.util.stream.Collectors;

/** The request is well-formed but one or more fields are not acceptable. */
public class InvalidInputException extends RowflowException {
    public InvalidInputException(String message, List<FieldError> fieldErrors) {
        super(message, fieldErrors, null);
    }

    /** One exception for several invalid fields; the detail lists them all. */
    public static InvalidInputException of(List<FieldError> errors) {
        return new InvalidInputException(errors.stream().map(e -> e.field() + ": " + e.message())
                .collect(Collectors.joining("; ")), errors);
    }

    public static InvalidInputException field(String field, String message) {
        return new InvalidInputException(field + ": " + message, List.of(new FieldError(field, message)));
    }

    @Override
    public String problemType() {
        return "invalid-input";
    }

    @Override
    public String title() {
        return "Invalid input";
    }
}
