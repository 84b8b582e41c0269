package io.rowflow.common.error;

/** The caller is known but may not do this: a role too low, or a browser write without its CSRF token. */
public class AccessDeniedException extends RowflowException {
    public AccessDeniedException(String message) {
        super(message);
    }

    @Override
    public String problemType() {
        return "access-denied";
    }

    @Override
    public String title() {
        return "Access denied";
    }
}
