package io.rowflow.schedule;

import java.time.Instant;
import java.util.UUID;

/** What happens when a flow's slot comes (implemented by the run feature): a run, or a slot recorded as skipped. */
public interface SlotFiring {
    void fire(UUID flowId, Instant slot);
}
