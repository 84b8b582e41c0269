package io.rowflow.schedule;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Where the scheduler reads flows' schedules (implemented by the flow feature). */
public interface FlowSchedules {
    /** The flow's schedule; empty when the flow is gone or has none. */
    default Optional<Schedule> of(UUID flowId) {
        return Optional.ofNullable(of(List.of(flowId)).get(flowId));
    }

    /** The schedules of those of {@code flowIds} that exist and have one, read together. */
    Map<UUID, Schedule> of(Collection<UUID> flowIds);

    /** Every flow that has a schedule, paused ones included. */
    Map<UUID, Schedule> all();
}
