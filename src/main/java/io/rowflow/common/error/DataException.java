package io.rowflow.common.error;

/**
 * The data itself cannot be processed as asked: a malformed CSV, a value over a destination's limit, an append whose
 * columns differ from the existing ones.
 */
public class DataException extends RowflowException {
    public DataException(String message) {
        super(message);
    }

    @Override
    public String problemType() {
        return "invalid-data";
    }

    @Override
    public String title() {
        return "The data cannot be processed";
    }
}
