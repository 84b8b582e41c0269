package io.rowflow.run;

import io.rowflow.flow.FlowView;
import java.time.Instant;

/**
 * A flow as its list shows it: the flow, its newest run (absent before the first) and when its schedule fires next
 * (absent without a schedule or while paused), so that the list is one request however many flows there are.
 */
public record FlowOverview(FlowView flow, RunView lastRun, Instant nextRunAt) {
}
