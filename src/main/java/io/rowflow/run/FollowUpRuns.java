package io.rowflow.run;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.common.error.ConflictException;
import io.rowflow.flow.FlowEntity;
import io.rowflow.flow.FlowService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The runs that follow a run: flows chained after it, and the run a webhook asked for while it was running. */
@ApplicationScoped
public class FollowUpRuns {
    private final FlowService flows;
    private final Instance<RunService> runs;
    private final EntityManager em;

    /** RunService is looked up lazily: it runs the executor that calls this trigger. */
    public FollowUpRuns(FlowService flows, Instance<RunService> runs, EntityManager em) {
        this.flows = flows;
        this.runs = runs;
        this.em = em;
    }

    /** After a run ended (not cancelled): starts the run a webhook call asked for meanwhile, if one did. */
    List<String> afterEnd(UUID flowId) {
        boolean requested = QuarkusTransaction.requiringNew().call(() -> {
            FlowEntity flow = em.find(FlowEntity.class, flowId, LockModeType.PESSIMISTIC_WRITE);
            boolean was = flow != null && flow.rerunRequested;
            if (was) {
                flow.rerunRequested = false;
            }
            return was;
        });
        if (!requested) {
            return List.of();
        }
        RunView run = runs.get().start(flowId, "webhook");
        return List.of("A webhook called during this run: started run " + run.id());
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
