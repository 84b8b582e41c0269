package io.rowflow.run;

/**
 * The run was taken over by another node (this node's lease lapsed, e.g. while it was paused): this node must not
 * write anything more for it, neither to the destinations nor to the run's record.
 */
public class FencedOutException extends RuntimeException {
    public FencedOutException(String message) {
        super(message);
    }
}
