package io.rowflow.pipeline;

import java.util.concurrent.CancellationException;

/** The run was cancelled by a user while a step was working. */
public class RunCancelledException extends CancellationException {
    public RunCancelledException() {
        super("The run was cancelled");
    }
}
