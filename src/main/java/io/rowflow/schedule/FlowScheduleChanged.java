package io.rowflow.schedule;

import java.util.UUID;

/** A flow was created, changed or deleted: its trigger must follow. */
public record FlowScheduleChanged(UUID flowId) {
}
