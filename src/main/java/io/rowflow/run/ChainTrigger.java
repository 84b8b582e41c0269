package io.rowflow.run;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.common.error.ConflictException;
import io.rowflow.flow.FlowService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Starts the flows that run after a flow succeeds. */
@ApplicationScoped
public class ChainTrigger {
    private final FlowService flows;
    private final Instance<RunService> runs;

    /** RunService is looked up lazily: it runs the executor that calls this trigger. */
    public ChainTrigger(FlowService flows, Instance<RunService> runs) {
        this.flows = flows;
        this.runs = runs;
    }

    /** Starts each downstream flow; returns one line per flow for the upstream run's log. */
    List<String> afterSuccess(UUID flowId) {
        List<String> outcomes = new ArrayList<>();
        for (UUID next : QuarkusTransaction.requiringNew().call(() -> flows.downstream(flowId))) {
            try {
                RunView run = runs.get().start(next, "chain");
                outcomes.add("Started flow " + next + " (run " + run.id() + "), which runs after this one");
            } catch (ConflictException running) {
                outcomes.add("Flow " + next + " runs after this one but is already running; not started again");
            }
        }
        return outcomes;
    }
}
