package io.rowflow.pipeline;

/** Thrown by a sink that has all it needs (a preview's first rows): sources let it through and stop. */
public final class StopReading extends RuntimeException {
    public StopReading() {
        super(null, null, false, false);
    }
}
