package io.rowflow.schedule;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Where the scheduler reads flows' schedules (implemented by the flow feature). */
public interface FlowSchedules {
    /** The flow's schedule; empty when the flow is gone or has none. */
    Optional<Schedule> of(UUID flowId);

    /** Every flow that has a schedule, paused ones included. */
    Map<UUID, Schedule> all();
}
