package io.rowflow.common.error;

/** The request carries no valid credentials: no session, or an unknown, expired or revoked token. */
public class NotSignedInException extends RowflowException {
    public NotSignedInException(String message) {
        super(message);
    }

    @Override
    public String problemType() {
        return "not-signed-in";
    }

    @Override
    public String title() {
        return "Not signed in";
    }
}
