package io.rowflow.common.error;

import java.util.List;

/**
 * Base of every error Rowflow reports on purpose. The HTTP status each subclass maps to lives in one table,
 * {@link ProblemMapper}; the exception only carries what went wrong.
 */
public abstract class RowflowException extends RuntimeException {
    private final List<FieldError> fieldErrors;

    protected RowflowException(String message, List<FieldError> fieldErrors, Throwable cause) {
        super(message, cause);
        this.fieldErrors = List.copyOf(fieldErrors);
    }

    protected RowflowException(String message) {
        this(message, List.of(), null);
    }

    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }

    /** Short stable slug used in the problem type URI, e.g. {@code not-found}. */
    public abstract String problemType();

    /** Human title of the problem type. */
    public abstract String title();
}
