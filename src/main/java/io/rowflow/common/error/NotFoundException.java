package io.rowflow.common.error;

public class NotFoundException extends RowflowException {
    public NotFoundException(String message) {
        super(message);
    }

    public static NotFoundException of(String kind, Object id) {
        return new NotFoundException(kind + " " + id + " does not exist");
    }

    @Override
    public String problemType() {
        return "not-found";
    }

    @Override
    public String title() {
        return "Not found";
    }
}
