package io.rowflow.run;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.common.error.ConflictException;
import io.rowflow.common.error.TooManyRequestsException;
import io.rowflow.flow.FlowEntity;
import io.rowflow.flow.FlowService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Incoming webhook calls. A call starts a run after the coalescing window; calls while that run is queued join it, and
 * calls while the flow runs ask for one more run after it, so a burst of change notifications costs one or two runs.
 */
@ApplicationScoped
public class WebhookService {
    private final FlowService flows;
    private final RunService runs;
    private final EntityManager em;
    private final RunConfig config;
    private final Map<UUID, Window> callsByFlow = new ConcurrentHashMap<>();

    public WebhookService(FlowService flows, RunService runs, EntityManager em, RunConfig config) {
        this.flows = flows;
        this.runs = runs;
        this.em = em;
        this.config = config;
    }

    /** What a call did: the run it started or joined. */
    public record HookResult(boolean coalesced, RunView run) {
    }

    public HookResult call(String secret) {
        UUID flowId = QuarkusTransaction.requiringNew().call(() -> flows.findByWebhookSecret(secret).id);
        rateLimit(flowId);
        try {
            return new HookResult(false, runs.startAfter(flowId, "webhook", config.webhookCoalesceWindow()));
        } catch (ConflictException open) {
            UUID runId = QuarkusTransaction.requiringNew().call(() -> {
                FlowEntity flow = em.find(FlowEntity.class, flowId, LockModeType.PESSIMISTIC_WRITE);
                RunEntity run = runs.openRun(flowId);
                if (run == null) {
                    return null; // it ended in between: start one below
                }
                if (run.status == RunStatus.RUNNING) {
                    flow.rerunRequested = true;
                }
                return run.id;
            });
            return runId == null ? call(secret) : new HookResult(true, runs.get(runId));
        }
    }

    /** A fixed one-minute window per flow, on this node. */
    private void rateLimit(UUID flowId) {
        Instant now = Instant.now();
        Window window = callsByFlow.compute(flowId, (id, current) -> current == null
                || now.isAfter(current.start().plusSeconds(60)) ? new Window(now, 1) : new Window(current.start(), current.calls() + 1));
        if (window.calls() > config.webhookCallsPerMinute()) {
            throw new TooManyRequestsException("This webhook accepts " + config.webhookCallsPerMinute()
                    + " calls a minute", Duration.between(now, window.start().plusSeconds(60)));
        }
    }

    private record Window(Instant start, int calls) {
    }
}
