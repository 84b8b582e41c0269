package io.rowflow.common.error;

/** The request needs a setting the operator has not made (e.g. Rowflow's public address); the detail names it. */
public class NotConfiguredException extends RowflowException {
    public NotConfiguredException(String message) {
        super(message);
    }

    @Override
    public String problemType() {
        return "not-configured";
    }

    @Override
    public String title() {
        return "Not configured";
    }
}
