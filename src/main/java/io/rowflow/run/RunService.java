package io.rowflow.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.rowflow.common.error.ConflictException;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.flow.FlowEntity;
import io.rowflow.audit.AuditLog;
import io.rowflow.flow.FlowService;
import io.rowflow.schedule.SlotFiring;
import io.rowflow.schedule.SlotFiring.DueSlot;
import io.rowflow.workspace.WorkspaceScope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import java.util.Set;
import java.util.HashSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/** Starts, lists and cancels runs. Runs execute on a bounded pool of this node. */
@ApplicationScoped
public class RunService implements SlotFiring {
    private static final Logger LOG = Logger.getLogger(RunService.class);

    private final EntityManager em;
    private final FlowService flows;
    private final RunExecutor executor;
    private final ObjectMapper mapper;
    private final WorkspaceScope scope;
    private final AuditLog audit;
    @jakarta.inject.Inject
    SyncStates syncStates;
    @Inject
    RunLeases leases;
    private final ExecutorService pool;
    private final Map<UUID, Future<?>> active = new ConcurrentHashMap<>();
    private final ScheduledExecutorService delayer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "rowflow-run-delay");
        thread.setDaemon(true);
        return thread;
    });

    public RunService(EntityManager em, FlowService flows, RunExecutor executor, ObjectMapper mapper, RunConfig config,
            WorkspaceScope scope, AuditLog audit) {
        this.em = em;
        this.audit = audit;
        this.scope = scope;
        this.flows = flows;
        this.executor = executor;
        this.mapper = mapper;
        AtomicInteger threads = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(config.maxConcurrentRuns(), r -> {
            Thread thread = new Thread(r, "rowflow-run-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Stops runs executing here that were cancelled through another node, or whose flow was deleted: their thread is
     * interrupted and their native work aborted, within a second.
     */
    @Scheduled(identity = "stop-cancelled-runs", every = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void stopCancelledOrDeleted() {
        try {
            java.util.Set<UUID> here = new java.util.HashSet<>(executor.executing());
            if (here.isEmpty()) {
                return;
            }
            here.removeAll(QuarkusTransaction.requiringNew().call(() -> em.createQuery("select r.id from RunEntity r"
                    + " where r.id in :ids and r.cancelRequested = false", UUID.class).setParameter("ids", here)
                    .getResultList()));
            here.forEach(executor::stop);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Looking for cancelled runs failed; tried again in a second");
        }
    }

    /**
     * A graceful stop (SIGTERM): runs in progress are interrupted and handed back to the queue, where another node (or
     * this one, restarted) takes them over; runs that were not taken up yet stay queued for the same.
     */
    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        leases.shutdownStarted();
        delayer.shutdownNow();
        active.keySet().forEach(executor::stop);
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Forgets where the flow's incremental sources stopped (the flow is looked up in the caller's workspace). */
    @jakarta.transaction.Transactional
    public void resetSync(UUID flowId) {
        FlowEntity flow = flows.find(flowId);
        syncStates.reset(flowId);
        audit.record("flow.sync-reset", "flow:" + flowId, flow.name);
    }

    /** Queues a run of the flow, unless one is already queued or running: a flow never runs twice at once. */
    public RunView start(UUID flowId, String trigger) {
        return startAfter(flowId, trigger, Duration.ZERO);
    }

    /** As {@link #start}, the run beginning after {@code delay} (it stays queued meanwhile). */
    public RunView startAfter(UUID flowId, String trigger, Duration delay) {
        UUID runId = QuarkusTransaction.requiringNew().call(() -> {
            // Locking the flow's row serialises starts of one flow, across nodes too: a second start waits for the
            // first to commit, then sees its run.
            em.lock(flows.find(flowId), LockModeType.PESSIMISTIC_WRITE);
            RunEntity open = openRun(flowId);
            if (open != null) {
                throw new ConflictException("The flow is already running (run " + open.id + "); a flow never runs"
                        + " twice at once. Wait for that run to end, or cancel it.");
            }
            RunEntity run = new RunEntity();
            run.id = UUID.randomUUID();
            run.flowId = flowId;
            run.status = RunStatus.QUEUED;
            run.trigger = trigger;
            run.createdAt = Instant.now();
            em.persist(run);
            return run.id;
        });
        if ("manual".equals(trigger)) {
            // Scheduled, retried and follow-up runs are the system's doing, and the run history records them.
            audit.record("run.started", "run:" + runId, "flow:" + flowId);
        }
        if (delay.isZero()) {
            submit(runId);
        } else {
            delayer.schedule(() -> submit(runId), delay.toMillis(), TimeUnit.MILLISECONDS);
        }
        return get(runId);
    }

    /**
     * Slots came. Each run is keyed by flow and slot, so a slot fired twice (a recovered node, a retried job) still gives
     * one run; a slot that comes while its flow runs is recorded as skipped. The slots are recorded in one transaction;
     * should it fail (another node recorded one of them first, and the unique (flow, slot) key refused the batch), each
     * is recorded on its own.
     */
    @Override
    public void fire(List<DueSlot> slots) {
        List<UUID> queued;
        try {
            queued = QuarkusTransaction.requiringNew().call(() -> record(slots));
        } catch (RuntimeException batchFailed) {
            queued = new java.util.ArrayList<>();
            for (DueSlot slot : slots) {
                try {
                    QuarkusTransaction.requiringNew().call(() -> record(List.of(slot))).forEach(queued::add);
                } catch (RuntimeException e) {
                    if (!QuarkusTransaction.requiringNew().call(() -> taken(slot))) {
                        LOG.errorf(e, "The slot %s of flow %s could not start a run", slot.slot(), slot.flowId());
                    } // else another node recorded this slot first: the unique (flow, slot) key held
                }
            }
        }
        queued.forEach(this::submit);
    }

    /** Records the slots' runs (queued, or skipped while their flow runs); answers the queued ones. In a transaction. */
    private List<UUID> record(List<DueSlot> slots) {
        Set<UUID> flowIds = slots.stream().map(DueSlot::flowId).collect(Collectors.toCollection(TreeSet::new));
        // Flows locked in id order, so that batches on two nodes never wait for each other in a circle; a manual start
        // of one of them waits for this to commit, then sees its run.
        em.createNativeQuery("SELECT id FROM flow WHERE id IN (:ids) ORDER BY id FOR UPDATE").setParameter("ids", flowIds)
                .getResultList();
        Set<DueSlot> due = new HashSet<>();
        Set<UUID> busy = new HashSet<>();
        // Per flow, two probes of an index (its run for the slot, its open runs): never a scan of the runs, which in a
        // burst are thousands more than the statistics the plan was made on knew of.
        slots.stream().collect(Collectors.groupingBy(DueSlot::slot, Collectors.mapping(DueSlot::flowId,
                Collectors.toSet()))).forEach((time, ids) -> em.createQuery("select f.id, (select count(r) from RunEntity r"
                        + " where r.flowId = f.id and r.scheduledFor = :slot), (select count(o) from RunEntity o where"
                        + " o.flowId = f.id and o.status in (:open)) from FlowEntity f where f.id in :ids", Object[].class)
                        .setParameter("ids", ids).setParameter("slot", time).setParameter("open", OPEN)
                        .getResultStream().forEach(row -> {
                            UUID flowId = (UUID) row[0];
                            if (((Number) row[1]).longValue() == 0) {
                                due.add(new DueSlot(flowId, time));
                            }
                            if (((Number) row[2]).longValue() > 0) {
                                busy.add(flowId);
                            }
                        }));
        Map<UUID, RunEntity> open = busy.isEmpty() ? new java.util.HashMap<>() : openRuns(busy);
        List<UUID> queued = new java.util.ArrayList<>();
        Instant now = Instant.now();
        // The batch's runs go to the database in one round trip, not one each.
        em.unwrap(org.hibernate.Session.class).setJdbcBatchSize(slots.size());
        for (DueSlot slot : slots) {
            if (!due.remove(slot)) {
                continue; // the flow is gone, or its slot already has its run (or came twice in this batch)
            }
            RunEntity run = new RunEntity();
            run.id = UUID.randomUUID();
            run.flowId = slot.flowId();
            run.trigger = "schedule";
            run.scheduledFor = slot.slot();
            run.createdAt = now;
            RunEntity running = open.get(slot.flowId());
            if (running != null) {
                run.status = RunStatus.SKIPPED;
                run.endedAt = now;
                run.errorMessage = "Skipped: run " + running.id + " of this flow was still " + running.status.id()
                        + " when the slot came";
                LOG.infof("flow=%s slot %s skipped: run %s still %s", slot.flowId(), slot.slot(), running.id,
                        running.status.id());
            } else {
                run.status = RunStatus.QUEUED;
                open.put(slot.flowId(), run);
                queued.add(run.id);
            }
            em.persist(run);
        }
        return queued;
    }

    private static final List<RunStatus> OPEN = List.of(RunStatus.QUEUED, RunStatus.RUNNING);

    /** Whether the slot already has its run. In a transaction. */
    private boolean taken(DueSlot slot) {
        return em.createQuery("select count(r) from RunEntity r where r.flowId = :flow and r.scheduledFor = :slot",
                Long.class).setParameter("flow", slot.flowId()).setParameter("slot", slot.slot()).getSingleResult() > 0;
    }

    /** The flow's queued or running run, if it has one. Call within a transaction. */
    RunEntity openRun(UUID flowId) {
        return openRuns(List.of(flowId)).get(flowId);
    }

    /** Each of the flows' queued or running run, for those that have one. Call within a transaction. */
    private Map<UUID, RunEntity> openRuns(java.util.Collection<UUID> flowIds) {
        Map<UUID, RunEntity> open = new java.util.HashMap<>();
        em.createQuery("from RunEntity r where r.flowId in :flows and r.status in (:open)", RunEntity.class)
                .setParameter("flows", flowIds).setParameter("open", OPEN).getResultStream()
                .forEach(run -> open.putIfAbsent(run.flowId, run));
        return open;
    }

    /** Whether this node is executing (or about to execute) the run. */
    boolean isActiveHere(UUID runId) {
        return active.containsKey(runId);
    }

    /** Queues here a run another node left (taken over by {@link RunLeases}). */
    void resubmit(UUID runId) {
        submit(runId);
    }

    private void submit(UUID runId) {
        active.put(runId, pool.submit(() -> {
            Optional<Duration> again = Optional.empty();
            try {
                again = executor.execute(runId);
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "run=%s could not be executed", runId);
            } finally {
                active.remove(runId);
            }
            // Busy connections, or a retry after a passing failure: offered again here once the wait is over (and
            // taken over by another node if this one stops meanwhile).
            again.ifPresent(wait -> {
                if (!leases.shuttingDown()) {
                    delayer.schedule(() -> submit(runId), wait.toMillis(), TimeUnit.MILLISECONDS);
                }
            });
        }));
    }

    public RunView get(UUID runId) {
        return view(find(runId));
    }

    public RunView.Page list(UUID flowId, int page, int size) {
        flows.find(flowId);
        List<RunEntity> runs = em.createQuery("from RunEntity where flowId = :flow order by createdAt desc, id",
                RunEntity.class).setParameter("flow", flowId).setFirstResult(page * size).setMaxResults(size)
                .getResultList();
        long total = em.createQuery("select count(r) from RunEntity r where r.flowId = :flow", Long.class)
                .setParameter("flow", flowId).getSingleResult();
        return new RunView.Page(runs.stream().map(this::view).toList(), page, size, total);
    }

    /**
     * The newest run of each of {@code flowIds} (flows the caller may see), in one query: what a list of flows shows
     * beside each. A flow that never ran has no entry.
     */
    public Map<UUID, RunView> latest(List<UUID> flowIds) {
        Map<UUID, RunView> latest = new java.util.HashMap<>();
        if (flowIds.isEmpty()) {
            return latest;
        }
        em.createQuery("from RunEntity r where r.flowId in :flows and r.createdAt = (select max(n.createdAt) from"
                + " RunEntity n where n.flowId = r.flowId) order by r.id", RunEntity.class).setParameter("flows", flowIds)
                .getResultList().forEach(run -> latest.putIfAbsent(run.flowId, view(run)));
        return latest;
    }

    /** The flow's newest successful run, if it had one. */
    public Optional<RunView> lastSucceeded(UUID flowId) {
        flows.find(flowId);
        return em.createQuery("from RunEntity where flowId = :flow and status = :status order by createdAt desc, id",
                RunEntity.class).setParameter("flow", flowId).setParameter("status", RunStatus.SUCCEEDED)
                .setMaxResults(1).getResultStream().findFirst().map(this::view);
    }

    public List<RunView.LogLine> log(UUID runId) {
        return log(runId, 0);
    }

    /** The run's log lines from the {@code from}-th on (0: all of them), oldest first. */
    public List<RunView.LogLine> log(UUID runId, int from) {
        find(runId);
        return em.createQuery("from RunLogEntity where runId = :run order by id", RunLogEntity.class)
                .setParameter("run", runId).setFirstResult(from).getResultList().stream()
                .map(l -> new RunView.LogLine(l.at, l.level, l.message)).toList();
    }

    /** Cancels a queued run at once; asks a running one to stop at its next checkpoint. */
    public RunView cancel(UUID runId) {
        QuarkusTransaction.requiringNew().run(() -> {
            RunEntity run = find(runId);
            if (run.status.finished()) {
                throw new ConflictException("The run already ended (" + run.status.id() + ")");
            }
            if (!run.cancelRequested) {
                run.cancelRequestedAt = Instant.now();
            }
            run.cancelRequested = true;
            audit.record("run.cancelled", "run:" + runId, "flow:" + run.flowId);
            if (run.status == RunStatus.QUEUED) {
                run.status = RunStatus.CANCELLED;
                run.endedAt = Instant.now();
            }
        });
        Future<?> future = active.get(runId);
        if (future != null) {
            future.cancel(true);
            executor.stop(runId);
        }
        return get(runId);
    }

    private RunEntity find(UUID runId) {
        RunEntity run = runId == null ? null : em.find(RunEntity.class, runId);
        if (run == null) {
            throw NotFoundException.of("Run", runId);
        }
        try {
            flows.find(run.flowId); // the flow's workspace, and its private connections, decide who sees its runs
        } catch (NotFoundException hidden) {
            throw NotFoundException.of("Run", runId);
        }
        return run;
    }

    private RunView view(RunEntity run) {
        RunStats stats = RunStats.empty();
        if (run.statsJson != null) {
            try {
                stats = mapper.readerFor(RunStats.class).without(com.fasterxml.jackson.databind.DeserializationFeature
                        .FAIL_ON_UNKNOWN_PROPERTIES).readValue(run.statsJson);
            } catch (JsonProcessingException e) {
                LOG.warnf("Unreadable statistics of run %s", run.id);
            }
        }
        Long duration = run.startedAt == null || run.endedAt == null ? null
                : Duration.between(run.startedAt, run.endedAt).toMillis();
        RunView.RunError error = run.status == RunStatus.FAILED
                ? new RunView.RunError(run.failedStep, run.errorMessage, run.upstreamMessage) : null;
        return new RunView(run.id, run.flowId, run.status, run.trigger, run.scheduledFor, run.createdAt, run.startedAt,
                run.endedAt,
                duration, run.unchanged, stats.sources(), stats.destinations(), error);
    }
}
