package io.rowflow.schedule;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.ScheduledExecutionsFilter;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.exceptions.FailedToScheduleBatchException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceNotFoundException;
import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.SchedulableInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.agroal.DataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rowflow.common.db.DatabaseConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Instance;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Fires flows' schedules through db-scheduler, clustered on Rowflow's database: every node polls the one table
 * {@code scheduled_tasks} and claims due slots in batches. On PostgreSQL a batch is claimed in one statement with
 * {@code FOR UPDATE SKIP LOCKED} (db-scheduler's lock-and-fetch), so nodes never wait for each other and there is no
 * cluster-wide lock; on the embedded database each slot is claimed by an optimistic update (fetch-and-lock-on-execute).
 * A node that fires a slot writes heartbeats; when it dies or freezes, another node revives the slot after
 * {@code missed-heartbeats} of them, and fires it with its own time.
 *
 * Each flow has one execution (instance id = the flow id) whose time is the flow's next slot, computed by
 * {@link ScheduleCalculator} (so the daylight-saving rules are Rowflow's own). When it comes, the slot (the execution's
 * time, kept when revived) goes to {@link SlotFiring}, and the execution moves to the slot after it. When that one is
 * already past (the slot fired late), it fires at once with its own time, so no slot is lost; when it is more than the
 * misfire threshold past (downtime), the execution moves to the first slot after now instead: a flow that missed
 * several slots while the cluster was down runs once, not once per slot.
 */
@ApplicationScoped
public class ScheduleEngine {
    private static final Logger LOG = Logger.getLogger(ScheduleEngine.class);
    /** The task name of flows' slot executions in {@code scheduled_tasks}; V40 writes it too. */
    static final String TASK = "flow-slot";
    /** A schedule change that met its flow's slot being fired, applied again once the slot has moved on. */
    static final String RESYNC_TASK = "flow-schedule-resync";

    private final ScheduleConfig config;
    private final DatabaseConfig database;
    private final Instance<AgroalDataSource> embedded;
    private final Instance<AgroalDataSource> pg;
    private final FlowSchedules flows;
    private final SlotRecorder recorder;
    private final CustomTask<String> slotTask;
    private final OneTimeTask<Void> resyncTask;
    /** Fires slots; null where this node fires none. */
    private volatile Scheduler scheduler;
    /** Reads and moves executions: the scheduler itself, or a bare client on a node that fires no slots. */
    private volatile SchedulerClient client;
    private final LookEarly lookEarly;

    public ScheduleEngine(ScheduleConfig config, DatabaseConfig database,
            @DataSource("embedded") Instance<AgroalDataSource> embedded, @DataSource("pg") Instance<AgroalDataSource> pg,
            FlowSchedules flows, SlotFiring firing, MeterRegistry metrics) {
        this.config = config;
        this.database = database;
        this.embedded = embedded;
        this.pg = pg;
        this.flows = flows;
        this.recorder = new SlotRecorder(firing, flows, config.recordingThreads(), config.recordingBatch(), metrics);
        this.lookEarly = new LookEarly(config.pollingInterval());
        // An execution's data is the slot it fires, when that is not its time (a spread window is set); else none.
        this.slotTask = Tasks.custom(TASK, String.class)
                // A node died or froze while firing: the slot fires again elsewhere with its own time (its run's key).
                .onDeadExecution((complete, ops) -> ops.reschedule(complete, complete.getExecution().executionTime))
                // The handler catches everything; should the scheduler still report a failure, the chain goes on.
                .onFailure(this::afterSlot)
                .execute(this::fireSlot);
        this.resyncTask = Tasks.oneTime(RESYNC_TASK, Void.class)
                .onFailure((complete, ops) -> ops.reschedule(complete, Instant.now().plus(config.pollingInterval())))
                .execute((instance, context) -> resyncOrThrow(UUID.fromString(instance.getId())));
    }

    /** After Flyway (which made the table) and the other start-up work; before the HTTP port opens. */
    void start(@Observes @Priority(5000) StartupEvent event) {
        boolean postgres = database.kind() == DatabaseConfig.Kind.POSTGRESQL;
        javax.sql.DataSource dataSource = postgres ? pg.get() : embedded.get();
        if (!config.enabled()) {
            // Flows changed through this node still move their executions; the other nodes fire them.
            client = SchedulerClient.Builder.create(dataSource, List.of(slotTask, resyncTask))
                    .serializer(new NoDataSerializer()).build();
            LOG.info("The scheduler is off on this node (rowflow.schedule.enabled=false): it fires no slots");
            return;
        }
        start(dataSource, postgres);
    }

    /** Starts firing on {@code dataSource} (its tables made by Flyway); PostgreSQL claims due slots with lock-and-fetch. */
    void start(javax.sql.DataSource dataSource, boolean postgres) {
        String node = nodeName();
        SchedulerBuilder builder = Scheduler.create(dataSource, List.of(slotTask, resyncTask))
                .schedulerName(new SchedulerName.Fixed(node))
                .threads(config.threads())
                .pollingInterval(config.pollingInterval())
                .heartbeatInterval(config.heartbeatInterval())
                .missedHeartbeatsLimit(config.missedHeartbeats())
                .shutdownMaxWait(config.shutdownMaxWait())
                // A slot moved to now or the past (a late chain, a revived slot) is looked for at once, not next poll.
                .enableImmediateExecution()
                // A slot due before the next poll (a flow every few seconds, a slot just set) is looked for at its time.
                .addSchedulerListener(lookEarly)
                // Nothing Java-serialized in the database: the executions carry no data, and the flow id is their id.
                .serializer(new NoDataSerializer());
        builder = postgres ? builder.pollUsingLockAndFetch(config.refillBelowPerThread(), config.batchPerThread())
                : builder.pollUsingFetchAndLockOnExecute(config.refillBelowPerThread(), config.batchPerThread())
                        // H2 has no overrides of its own; V40 gives it zoned timestamps, as db-scheduler's default assumes.
                        .jdbcCustomization(new DefaultJdbcCustomization(false));
        Scheduler started = builder.build();
        scheduler = started;
        client = started;
        lookEarly.scheduler = started;
        int synced = reconcile();
        recorder.start();
        started.start();
        LOG.infof("Scheduler started (%s, %s, node %s); %d flow schedule(s) in step", postgres ? "PostgreSQL"
                : "embedded database", postgres ? "lock-and-fetch" : "fetch-and-lock", node, synced);
    }

    /** Names this node in {@code picked_by}: nodes on one host (several replicas, tests) stay apart. */
    private static String nodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "node";
        }
        String suffix = "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        // picked_by is 50 characters on the embedded database.
        return host.substring(0, Math.min(host.length(), 50 - suffix.length())) + suffix;
    }

    void stop(@Observes ShutdownEvent event) {
        stop();
    }

    void stop() {
        Scheduler running = scheduler;
        lookEarly.stop();
        if (running != null) {
            // Slots being handed over finish first (up to shutdown-max-wait); the runs themselves belong to the run pool.
            running.stop();
        }
        recorder.stop();
    }

    /** Keeps the flow's execution in step once its change has committed (a rolled-back change leaves it as it was). */
    void onFlowChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) FlowScheduleChanged change) {
        if (client != null) {
            try {
                resync(change.flowId());
            } catch (RuntimeException e) {
                // The change itself is stored: the flow's next firing reads it, and each start-up reconciles.
                LOG.warnf("Could not move the scheduled slot of flow %s to its new schedule: %s", change.flowId(),
                        e.getMessage());
            }
        }
    }

    /**
     * The flow's schedule changed: its execution moves to the first slot after now. While a node is firing its slot
     * the execution cannot move; the change is then applied again in a moment, durably, by any node.
     */
    void resync(UUID flowId) {
        // Handing a slot over takes milliseconds: a few short tries usually see it done, and the caller (a test, the
        // UI) then reads the flow's new next slot at once.
        for (int attempt = 0; attempt < RESYNC_TRIES; attempt++) {
            try {
                resyncOrThrow(flowId);
                return;
            } catch (TaskInstanceCurrentlyExecutingException e) {
                try {
                    Thread.sleep(RESYNC_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        client.scheduleIfNotExists(resyncTask.instance(flowId.toString()), Instant.now().plus(config.pollingInterval()));
    }

    private static final int RECONCILE_BATCH = 500;
    private static final int RESYNC_TRIES = 20;
    private static final Duration RESYNC_PAUSE = Duration.ofMillis(25);

    private void resyncOrThrow(UUID flowId) {
        Optional<Schedule> schedule = flows.of(flowId);
        Instant now = Instant.now();
        Optional<Instant> current = nextSlot(flowId);
        if (schedule.isPresent() && current.isPresent()
                && keepsDueSlot(schedule.get(), current.get(), now, config.misfireThreshold())) {
            return;
        }
        sync(flowId, schedule, now);
    }

    /**
     * Whether a flow's execution keeps its slot through a change of the flow: when the slot is due (its time has come,
     * within the misfire threshold) and still one of the schedule's slots, as after a rename, it fires with its own
     * time; any other change moves the execution to the first slot after now.
     */
    static boolean keepsDueSlot(Schedule schedule, Instant slot, Instant now, Duration misfireThreshold) {
        return !slot.isAfter(now) && !slot.isBefore(now.minus(misfireThreshold))
                && nextAfter(schedule, slot.minusMillis(1)).equals(Optional.of(slot));
    }

    /** Every flow's execution created when missing, executions of deleted flows removed. Safe on several nodes at once. */
    int reconcile() {
        Map<UUID, Schedule> schedules = flows.all();
        Set<String> existing = new HashSet<>();
        List<ScheduledExecution<String>> executions = client.getScheduledExecutionsForTask(TASK, String.class,
                ScheduledExecutionsFilter.all());
        executions.forEach(e -> existing.add(e.getTaskInstance().getId()));
        Instant now = Instant.now();
        List<SchedulableInstance<?>> missing = new ArrayList<>();
        for (Map.Entry<UUID, Schedule> flow : schedules.entrySet()) {
            // An execution that exists already keeps its slot (it may be a late one about to fire).
            if (!existing.contains(flow.getKey().toString())) {
                nextAfter(flow.getValue(), now).ifPresent(next -> missing.add(SchedulableInstance.of(
                        slotTask.instance(flow.getKey().toString(), slotData(next)), fireAt(flow.getKey(), next))));
            }
        }
        // Thousands of flows (a first start, a restored database) are written in batches, not a round trip each.
        for (int from = 0; from < missing.size(); from += RECONCILE_BATCH) {
            List<SchedulableInstance<?>> batch = missing.subList(from, Math.min(missing.size(), from + RECONCILE_BATCH));
            try {
                client.scheduleBatch(batch);
            } catch (FailedToScheduleBatchException e) {
                // Another node starting at the same time wrote some of them first: the rest one by one.
                batch.forEach(client::scheduleIfNotExists);
            }
        }
        for (ScheduledExecution<String> execution : executions) {
            String id = execution.getTaskInstance().getId();
            if (!schedules.containsKey(parse(id))) {
                remove(execution.getTaskInstance());
            }
        }
        return schedules.size();
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Sets the flow's execution to its first slot after {@code after}, or removes it when there is none (paused, gone). */
    void sync(UUID flowId, Optional<Schedule> schedule, Instant after) {
        Optional<Instant> next = schedule.flatMap(s -> nextAfter(s, after));
        TaskInstanceId id = TaskInstanceId.of(TASK, flowId.toString());
        Optional<ScheduledExecution<Object>> current = client.getScheduledExecution(id);
        if (next.isEmpty()) {
            current.ifPresent(e -> remove(id));
            return;
        }
        Instant at = fireAt(flowId, next.get());
        if (current.isEmpty()) {
            client.scheduleIfNotExists(slotTask.instance(flowId.toString(), slotData(next.get())), at);
            return;
        }
        if (current.get().getExecutionTime().equals(at)
                && slotOf(current.get().getExecutionTime(), current.get().getData()).equals(next.get())) {
            return;
        }
        if (current.get().isPicked()) {
            throw new TaskInstanceCurrentlyExecutingException(TASK, flowId.toString());
        }
        try {
            client.reschedule(id, at, slotData(next.get()));
        } catch (TaskInstanceNotFoundException e) {
            // Removed a moment ago by another node (the flow was deleted there): nothing to move.
        }
    }

    /**
     * When a flow's slot fires: at the slot itself, or, with a spread window, a fixed offset into the window after it
     * (the same for every slot of the flow, drawn from its id), so that flows sharing a minute come over the window.
     */
    Instant fireAt(UUID flowId, Instant slot) {
        long window = config.spreadWindow().toMillis();
        if (window <= 0) {
            return slot;
        }
        long offset = Math.floorMod(flowId.getMostSignificantBits() ^ flowId.getLeastSignificantBits(), window);
        return slot.plusMillis(offset);
    }

    /** What an execution carries: its slot when that is not its time, so the run still keeps the slot's own time. */
    private String slotData(Instant slot) {
        return config.spreadWindow().isZero() ? null : slot.toString();
    }

    /** The slot of an execution: the one it carries, else its time. */
    static Instant slotOf(Instant executionTime, Object data) {
        return data instanceof String slot ? Instant.parse(slot) : executionTime;
    }

    private void remove(TaskInstanceId id) {
        try {
            client.cancel(id);
        } catch (TaskInstanceNotFoundException e) {
            // Already gone (another node reconciled, or the flow's change was applied there first).
        } catch (TaskInstanceCurrentlyExecutingException e) {
            // Being fired: once done, the flow is found gone and the execution removed.
        }
    }

    static Optional<Instant> nextAfter(Schedule schedule, Instant after) {
        List<java.time.ZonedDateTime> next = ScheduleCalculator.next(schedule, after, 1);
        return next.isEmpty() ? Optional.empty() : Optional.of(next.get(0).toInstant());
    }

    /**
     * The slot after {@code firedSlot} that the flow's execution moves to: the next one by its schedule, or, when that
     * is more than {@code misfireThreshold} before {@code now} (the cluster was down), the first one after now.
     */
    static Optional<Instant> slotAfterFiring(Schedule schedule, Instant firedSlot, Instant now, Duration misfireThreshold) {
        Optional<Instant> next = nextAfter(schedule, firedSlot);
        if (next.isPresent() && next.get().isBefore(now.minus(misfireThreshold))) {
            return nextAfter(schedule, now);
        }
        return next;
    }

    /**
     * A slot came: record it (with the others that came meanwhile), then move the execution to the flow's next slot by
     * the schedule read after the recording.
     */
    private CompletionHandler<String> fireSlot(TaskInstance<String> instance, ExecutionContext context) {
        UUID flowId = UUID.fromString(instance.getId());
        Instant slot = slotOf(context.getExecution().executionTime, instance.getData());
        Optional<Schedule> schedule;
        try {
            schedule = recorder.record(new SlotFiring.DueSlot(flowId, slot));
        } catch (InterruptedException e) {
            // Stopping, and the database did not answer within shutdown-max-wait: the execution stays claimed, and
            // another node revives it once this one's heartbeats stop.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Stopped while recording the slot " + slot + " of flow " + flowId, e);
        } catch (RuntimeException e) {
            return this::afterSlot; // logged where it failed; the chain goes on
        }
        return (complete, ops) -> moveOn(complete, ops, schedule);
    }

    private void afterSlot(ExecutionComplete complete, ExecutionOperations<String> ops) {
        moveOn(complete, ops, flows.of(UUID.fromString(complete.getExecution().taskInstance.getId())));
    }

    private void moveOn(ExecutionComplete complete, ExecutionOperations<String> ops, Optional<Schedule> schedule) {
        Instant slot = slotOf(complete.getExecution().executionTime, complete.getExecution().taskInstance.getData());
        Optional<Instant> next = schedule.flatMap(s -> slotAfterFiring(s, slot, Instant.now(), config.misfireThreshold()));
        if (next.isPresent()) {
            UUID flowId = UUID.fromString(complete.getExecution().taskInstance.getId());
            ops.reschedule(complete, fireAt(flowId, next.get()), slotData(next.get()));
        } else {
            ops.remove();
        }
    }

    /** The next slot the flow's execution is set to, if any (its own time, whatever the spread window). */
    public Optional<Instant> nextSlot(UUID flowId) {
        return client == null ? Optional.empty()
                : client.getScheduledExecution(TaskInstanceId.of(TASK, flowId.toString()))
                        .map(e -> slotOf(e.getExecutionTime(), e.getData()));
    }

    /** When the flow's execution fires next, if it is set (its slot, or later within the spread window). */
    Optional<Instant> nextFiring(UUID flowId) {
        return client == null ? Optional.empty()
                : client.getScheduledExecution(TaskInstanceId.of(TASK, flowId.toString()))
                        .map(ScheduledExecution::getExecutionTime);
    }

    /** Stops claiming slots on this node (a test's way to simulate a cluster that is down) until {@link #resume()}. */
    void standby() {
        scheduler.pause();
    }

    void resume() {
        scheduler.resume();
        scheduler.triggerCheckForDueExecutions();
    }

    /**
     * Polling alone finds a slot up to one polling interval late. When an execution is set to a time before the next
     * poll, this wakes the scheduler at that time instead. Slots share whole seconds and minutes: one wake-up per
     * distinct time.
     */
    static final class LookEarly extends AbstractSchedulerListener {
        private final Duration pollingInterval;
        private final ScheduledThreadPoolExecutor timer;
        private final Map<Instant, ScheduledFuture<?>> wakeUps = new ConcurrentHashMap<>();
        volatile Scheduler scheduler;

        LookEarly(Duration pollingInterval) {
            this.pollingInterval = pollingInterval;
            this.timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "rowflow-schedule-look-early");
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
        }

        @Override
        public void onExecutionScheduled(TaskInstanceId id, Instant executionTime) {
            Scheduler target = scheduler;
            Duration wait = Duration.between(Instant.now(), executionTime);
            if (target == null || wait.isNegative() || wait.isZero() || wait.compareTo(pollingInterval) >= 0
                    || timer.isShutdown()) {
                return; // due now (db-scheduler looks at once), or the next poll comes first
            }
            wakeUps.computeIfAbsent(executionTime, at -> timer.schedule(() -> {
                wakeUps.remove(at);
                target.triggerCheckForDueExecutions();
            }, wait.toMillis() + 1, TimeUnit.MILLISECONDS));
        }

        void stop() {
            timer.shutdownNow();
        }
    }

    /**
     * The scheduler's executions carry no data (the flow id is their id, the slot their time); this refuses any, so
     * that nothing Java-serialized ever lands in the table.
     */
    static final class NoDataSerializer implements Serializer {
        @Override
        public byte[] serialize(Object data) {
            if (data == null) {
                return null;
            }
            if (data instanceof String text) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
            throw new IllegalArgumentException("Scheduler executions carry no data or plain text, not " + data.getClass());
        }

        @Override
        public <T> T deserialize(Class<T> clazz, byte[] serializedData) {
            if (serializedData == null || clazz == Void.class) {
                return null;
            }
            return clazz.cast(new String(serializedData, StandardCharsets.UTF_8));
        }
    }
}
