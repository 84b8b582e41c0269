package io.rowflow.flow;

import java.util.UUID;

/** A flow was deleted (fired in the deleting transaction; observers that clean up wait for its commit). */
public record FlowDeleted(UUID flowId) {
}
