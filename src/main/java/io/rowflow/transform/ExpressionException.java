package io.rowflow.transform;

/** A calculated column's expression that cannot be used, with the 1-based position in it where the problem is. */
public class ExpressionException extends RuntimeException {
    private final int position;

    public ExpressionException(int position, String message) {
        super(message + " (at position " + position + ")");
        this.position = position;
    }

    public int position() {
        return position;
    }
}
