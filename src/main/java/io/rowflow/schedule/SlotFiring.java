package io.rowflow.schedule;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What happens when a flow's slot comes (implemented by the run feature): a run, or a slot recorded as skipped. */
public interface SlotFiring {
    /** A flow's slot that came. */
    record DueSlot(UUID flowId, Instant slot) {
    }

    /**
     * Records a run for each slot (or the slot as skipped while its flow runs), at most one per (flow, slot) however
     * often a slot is fired, and starts the runs. Slots that came together are recorded together: a burst of thousands
     * costs a few transactions, not one each. A slot that cannot be recorded is logged; the others are not held up.
     */
    void fire(List<DueSlot> slots);
}
