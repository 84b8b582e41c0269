package io.rowflow.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.common.cancel.InFlight;
import io.rowflow.common.error.RowflowException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.connector.SourceConnector;
import io.rowflow.flow.FlowDefinition;
import io.rowflow.flow.FlowEntity;
import io.rowflow.flow.FlowRequest;
import io.rowflow.flow.FlowService;
import io.rowflow.http.OutboundShares;
import io.rowflow.notification.NotificationService;
import io.rowflow.transform.DateMacros;
import io.rowflow.transform.Relation;
import io.rowflow.transform.TransformClock;
import io.rowflow.transform.TransformConfig;
import io.rowflow.transform.TransformPlan;
import io.rowflow.transform.TransformSession;
import io.rowflow.pipeline.RunCancelledException;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.storage.DataFolder;
import io.rowflow.connection.ConnectionService;
import io.rowflow.writer.DestinationWriter;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.writer.WriterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Executes one run: every source is extracted into the run's DuckDB database first, and only when all extracts
 * succeeded are the destinations written, so a failing source leaves every destination as it was.
 */
@ApplicationScoped
public class RunExecutor {
    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    private final EntityManager em;
    private final FlowService flows;
    private final SourceExtractor extractor;
    private final WriterRegistry writers;
    private final ConnectionService connections;
    private final DataFolder dataFolder;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;
    private final FollowUpRuns followUps;
    private final NotificationService notifications;
    private final RunConfig config;
    /** How soon a run whose connections were busy is offered again. */
    private static final Duration BUSY_RETRY = Duration.ofSeconds(1);
    @Inject
    RunLeases leases;
    @Inject
    TransformConfig transformConfig;
    @Inject
    SyncStates syncStates;
    /** The node's run slots, shared fairly between workspaces. */
    private final WorkspaceSlots workspaceSlots;
    /** The thread executing each run here, to stop it (cancel, shutdown) even while it waits on the network. */
    private final Map<UUID, Thread> threads = new ConcurrentHashMap<>();
    private final ScheduledExecutorService alarms = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "rowflow-run-timeout");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Notifications go out on threads of their own: a receiver that is down makes each message wait out its retries,
     * and on the shared worker pool that wait would slow every API request of the node.
     */
    private final ExecutorService notifier = Executors.newFixedThreadPool(2, r -> {
        Thread thread = new Thread(r, "rowflow-notify");
        thread.setDaemon(true);
        return thread;
    });

    public RunExecutor(EntityManager em, FlowService flows, SourceExtractor extractor, WriterRegistry writers,
            DataFolder dataFolder, ObjectMapper mapper, MeterRegistry metrics, FollowUpRuns followUps, RunConfig config,
            NotificationService notifications, ConnectionService connections) {
        this.notifications = notifications;
        this.connections = connections;
        this.em = em;
        this.flows = flows;
        this.extractor = extractor;
        this.writers = writers;
        this.dataFolder = dataFolder;
        this.mapper = mapper;
        this.metrics = metrics;
        this.followUps = followUps;
        this.config = config;
        this.workspaceSlots = new WorkspaceSlots(config.maxConcurrentRuns(), config.maxConcurrentRunsPerWorkspace()
                .orElse(Math.max(1, config.maxConcurrentRuns() - 1)));
    }

    /**
     * Executes a queued run if this node can claim it. Answers when to try again: the run's connections were busy
     * (it stays queued), or it failed for a passing reason and was queued for a retry; empty when done here.
     */
    @ActivateRequestContext
    public Optional<Duration> execute(UUID runId) {
        MDC.put("runId", " run=" + runId);
        Timer.Sample timer = Timer.start(metrics);
        RunStatus outcome = RunStatus.FAILED;
        RunStats stats = RunStats.empty();
        String step = "start";
        Path folder = null;
        UUID[] flowId = { null };
        Watchdog watchdog = null;
        int fence = 0;
        int retriesLeft = 0;
        int retries = 0;
        boolean byHand = false;
        UUID[] slot = { null };
        OutboundShares.Scope outbound = null;
        io.rowflow.http.RateLimitWaits.Scope waits = null;
        try {
            Claim claim = claimWithSlot(runId, slot);
            if (claim.busy()) {
                outcome = null;
                return Optional.of(BUSY_RETRY); // its connections are busy: it waits in the queue
            }
            RunEntity run = claim.run();
            if (!claim.claimed()) {
                // Cancelled while queued, or claimed by another node (or another thread of this one) first.
                outcome = run != null && run.status == RunStatus.CANCELLED ? RunStatus.CANCELLED : null;
                return Optional.empty();
            }
            // Its requests count against its workspace's share of the node's outbound turns.
            outbound = OutboundShares.as(slot[0] == null ? run.flowId : slot[0]);
            waits = io.rowflow.http.RateLimitWaits.reportTo(sentence -> log(runId, "INFO", sentence));
            // Known as this run's thread only once claimed: the same run offered twice (a busy retry beside a lease
            // take-over) must not let the thread that did not claim it replace or remove this entry.
            threads.put(runId, Thread.currentThread());
            if (cancelRequested(runId)) {
                throw new RunCancelledException(); // cancelled between the claim and now: stop() could not see it
            }
            fence = run.attempt;
            retries = run.retries;
            byHand = "manual".equals(run.trigger);
            int claimedAttempt = fence;
            MDC.put("flowId", " flow=" + run.flowId);
            flowId[0] = run.flowId;
            FlowEntity flow = QuarkusTransaction.requiringNew().call(() -> flows.find(run.flowId));
            FlowDefinition definition = flows.definition(flow);
            retriesLeft = (definition.retries() == null ? config.maxRetries() : definition.retries()) - run.retries;
            log(runId, "INFO", (run.retries > 0 ? "Retry " + run.retries + " of the run started" : "Run started") + " ("
                    + run.trigger + ") for flow \"" + flow.name + "\"");
            Duration limit = definition.timeout() == null ? config.timeout() : FlowService.timeout(definition.timeout());
            watchdog = new Watchdog(limit, definition.timeout() == null ? "rowflow.run.timeout"
                    : "the flow's timeout, " + definition.timeout().strip());
            folder = dataFolder.runDir(runId, claimedAttempt);

            TransformClock clock = new TransformClock(Instant.now(), FlowService.zone(definition));
            Map<Integer, IncrementalSync> syncs = new java.util.TreeMap<>();
            // Per source that lists its deletions: the records deleted since its last read, in its columns.
            Map<Integer, StagedTable> deletions = new java.util.TreeMap<>();
            try (StagingArea area = StagingArea.open(folder, extractor.stagingSettings())) {
                List<StagedTable> tables = new ArrayList<>();
                for (int i = 0; i < definition.sources().size(); i++) {
                    FlowRequest.Source configured = definition.sources().get(i);
                    step = "extract source " + (i + 1);
                    FlowRequest.Source source = configured.withParameters(DateMacros.resolve(configured.parameters(), clock));
                    SourceConnector connector = extractor.connector(source);
                    step = "extract source " + (i + 1) + " (" + connector.descriptor().id() + ")";
                    int index = i;
                    IncrementalSync sync = configured.incremental() ? QuarkusTransaction.requiringNew().call(
                            () -> syncStates.open(flow.id, index, configured)) : null;
                    log(runId, "INFO", "Extracting source " + (i + 1) + " with " + connector.descriptor().name()
                            + (sync == null ? "" : !sync.first() ? ", what changed since the"
                                    + " last successful run" : ", in full (its first incremental read)"));
                    StagedTable table = extractor.extract(area, source, sync, sink -> record -> {
                        checkCancelled();
                        sink.accept(record);
                    });
                    StagedTable deleted = sync == null || sync.first() ? null : extractor.extractDeletions(area, source,
                            sync, sink -> record -> {
                                checkCancelled();
                                sink.accept(record);
                            });
                    if (deleted != null) {
                        log(runId, "INFO", "Found " + deleted.rowCount() + " record(s) deleted since the last successful"
                                + " run");
                        if (deleted.rowCount() > 0) {
                            // No changes read (not even columns): what was deleted still has the stream's columns.
                            table = table.columns().isEmpty() ? area.emptyLike(deleted) : table;
                            deletions.put(i, area.conform(deleted, table));
                        }
                    }
                    if (sync != null) {
                        syncs.put(i, sync);
                        if (sync.skipped() > 0) {
                            log(runId, "INFO", "Left out " + sync.skipped() + " record(s) read again that earlier runs"
                                    + " already delivered");
                        }
                    }
                    tables.add(table);
                    stats.sources().add(new RunStats.SourceStats(i, source.connectionId(), connector.descriptor().id(),
                            table.rowCount()));
                    metrics.counter("rowflow.rows.read").increment(table.rowCount());
                    log(runId, "INFO", "Read " + table.rowCount() + " row(s) with " + table.columns().size() + " column(s)");
                    saveStats(runId, stats);
                }
                StagedTable result = tables.get(0);
                // Nothing read and a source without even its columns (an incremental read with no changes): the
                // transform has no shape to work on, and there is nothing new to write. The destinations below are
                // left as they are, and the run says so instead of failing on a missing column.
                boolean nothingNew = tables.stream().allMatch(t -> t.rowCount() == 0)
                        && tables.stream().anyMatch(t -> t.columns().isEmpty());
                if (nothingNew && transforms(definition)) {
                    log(runId, "INFO", "Nothing new: the sources returned no rows, so the transform had nothing to"
                            + " shape");
                    result = new StagedTable(tables.get(0).sqlName(), List.of(), 0);
                } else if (transforms(definition)) {
                    step = "transform";
                    checkCancelled();
                    log(runId, "INFO", "Transforming");
                    result = transform(runId, area, definition, tables, clock);
                    log(runId, "INFO", "Transformed: " + result.rowCount() + " row(s) with " + result.columns().size()
                            + " column(s)");
                }
                StagedTable deletedResult = deletedResult(runId, area, definition, deletions, clock);
                // "Only if changed": a run not started by hand leaves the destinations alone when the result equals
                // the last one written to all of them.
                String hash = definition.skipsUnchanged() ? area.contentHash(result) : null;
                boolean unchanged = hash != null && !"manual".equals(run.trigger) && hash.equals(flow.lastWrittenHash)
                        && deletedResult == null;
                if (unchanged) {
                    update(runId, r -> r.unchanged = true);
                    log(runId, "INFO", "The result equals the last one written: the destinations were left as they were");
                }
                List<FlowRequest.Destination> destinations = unchanged ? List.of() : definition.destinations();
                for (int i = 0; i < destinations.size(); i++) {
                    FlowRequest.Destination destination = destinations.get(i);
                    DestinationWriter writer = writers.require(destination.type(), "type");
                    step = "write destination " + (i + 1) + " (" + writer.descriptor().id() + ")";
                    checkCancelled();
                    boolean removes = deletedResult != null && writer.removesByKey(destination.settings());
                    if (deletedResult != null && !removes && writer.keepsEarlierRows(destination.settings())) {
                        log(runId, "INFO", deletedResult.rowCount() + " deleted record(s) were not removed from destination "
                                + (i + 1) + ", which appends");
                    }
                    if (result.rowCount() == 0 && !removes && (writer.keepsEarlierRows(destination.settings())
                            || !definition.writesEmptyResult() || result.columns().isEmpty())) {
                        // Nothing was read: an appending destination has nothing to add; a replacing one keeps its
                        // data unless the flow says an empty result is real (and even then needs the columns).
                        boolean appends = writer.keepsEarlierRows(destination.settings());
                        stats.destinations().add(new RunStats.DestinationStats(i, destination.type(), 0, null));
                        log(runId, appends ? "INFO" : "WARN", appends ? "Nothing new for destination " + (i + 1)
                                + "; it was left as it was" : "The sources returned no rows, so destination " + (i + 1)
                                + " keeps its previous data" + (definition.writesEmptyResult() ? " (no columns are known"
                                        + " to write an empty table with)" : "; to write an empty table instead, set"
                                        + " the flow's \"when nothing is read\" to write (emptyResult: write)"));
                        saveStats(runId, stats);
                        continue;
                    }
                    log(runId, "INFO", "Writing destination " + (i + 1) + " (" + writer.descriptor().name() + ")");
                    WriteContext context = new WriteContext(destination.settings(), area.connection(),
                            dataFolder.destinationDir(flow.id, i), () -> cancelRequested(runId),
                            () -> checkFence(runId, claimedAttempt), runId + "/" + i, removes ? deletedResult : null);
                    String connectionType = writer.descriptor().connectionType();
                    if (connectionType != null) {
                        // Resolved here, not by the writer: extensions get their account handed in.
                        context = context.withConnection(connections.access(writer.connectionId(destination.settings())
                                .orElse(null), connectionType, "destinations[" + i + "].settings.connectionId"));
                    }
                    WriteResult written = writer.write(context, result);
                    stats.destinations().add(new RunStats.DestinationStats(i, destination.type(), written.rowsWritten(),
                            written.apiCalls()));
                    metrics.counter("rowflow.rows.written").increment(written.rowsWritten());
                    log(runId, "INFO", written.alreadyWritten() ? "Destination " + (i + 1) + " already holds this run's "
                            + written.rowsWritten() + " row(s), written by an earlier attempt; left as it is"
                            : "Wrote " + written.rowsWritten() + " row(s) to " + written.location());
                    if (removes && !written.alreadyWritten()) {
                        log(runId, "INFO", "Applied " + deletedResult.rowCount() + " deletion(s) to destination " + (i + 1)
                                + ": it removes the rows with their keys");
                    }
                    saveStats(runId, stats);
                }
                if (hash != null && !unchanged) {
                    QuarkusTransaction.requiringNew().run(() -> em.find(FlowEntity.class, flow.id).lastWrittenHash = hash);
                }
            }
            watchdog.stop();
            outcome = RunStatus.SUCCEEDED;
            // Where the incremental sources stopped is stored with the success, after every destination committed.
            if (!finish(runId, RunStatus.SUCCEEDED, null, null, null, () -> syncs.forEach((index, sync) -> syncStates
                    .save(flow.id, index, definition.sources().get(index), sync, runId)))) {
                LOG.warnf("run %s was taken over by another node meanwhile; it reports the outcome", runId);
                outcome = null;
                return Optional.empty();
            }
            log(runId, "INFO", "Run succeeded");
            startFollowUps(runId, () -> followUps.afterSuccess(flow.id));
            return Optional.empty();
        } catch (Throwable e) {
            // A cancel interrupts this thread; clear the flag so the outcome can still be stored.
            boolean interrupted = Thread.interrupted();
            if (watchdog != null) {
                watchdog.stop();
            }
            if (flowId[0] != null && gone(runId)) {
                outcome = null;
                LOG.infof("Stopped at %s: the flow was deleted", step);
                return Optional.empty();
            }
            if (e instanceof FencedOutException) {
                outcome = null;
                LOG.warnf("Stopped: %s", e.getMessage());
                return Optional.empty();
            }
            if (leases.shuttingDown() && fence > 0) {
                outcome = null;
                handBack(runId, fence);
                return Optional.empty();
            }
            boolean mayPass = e instanceof UpstreamException upstream && upstream.passing() && retriesLeft > 0
                    && !interrupted && !cancelRequested(runId) && (watchdog == null || !watchdog.fired());
            if (mayPass && byHand) {
                // Someone is waiting on this run: it fails now, with the reason, rather than minutes later.
                log(runId, "INFO", "The run was started by hand, so it is not started again; runs started by a"
                        + " schedule, a webhook or another flow are, up to " + retriesLeft + " more time(s)");
            } else if (mayPass && e instanceof UpstreamException passing) {
                Duration wait = config.retryBackoff().multipliedBy(1L << Math.min(retries, 10));
                if (passing.retryAfter() != null && passing.retryAfter().compareTo(wait) > 0) {
                    wait = passing.retryAfter(); // the provider said when: not before
                }
                if (requeue(runId, fence, wait, step, describe(e), passing.upstreamMessage())) {
                    outcome = null;
                    log(runId, "WARN", "Failed at " + step + ": " + describe(e) + "; this may pass, so the run starts"
                            + " again in " + wait.toSeconds() + " s (" + retriesLeft + " retr" + (retriesLeft == 1 ? "y" : "ies")
                            + " left)");
                    return Optional.of(wait);
                }
            }
            if (watchdog != null && watchdog.fired()) {
                String message = "The run took longer than its time limit of " + inWords(watchdog.limit)
                        + " (" + watchdog.setBy + ") and was stopped during " + step + "; raise the limit, or read less"
                        + " per run";
                finish(runId, RunStatus.FAILED, step, message, null);
                log(runId, "ERROR", "Failed at " + step + ": " + message);
            } else if (e instanceof CancellationException || interrupted || cancelRequested(runId)) {
                outcome = RunStatus.CANCELLED;
                finish(runId, RunStatus.CANCELLED, null, null, null);
                log(runId, "WARN", "Run cancelled during " + step);
            } else {
                // After whole-run retries, the message says so: each of them made its own attempts.
                String message = describe(e) + (retries > 0 ? " (the whole run was tried " + (retries + 1) + " times)"
                        : "");
                String upstream = e instanceof UpstreamException u ? u.upstreamMessage() : null;
                if (!(e instanceof RowflowException)) {
                    LOG.errorf(e, "Unexpected failure at %s", step);
                }
                finish(runId, RunStatus.FAILED, step, message, upstream);
                log(runId, "ERROR", "Failed at " + step + ": " + message);
            }
            return Optional.empty();
        } finally {
            if (flowId[0] != null && outcome != null && outcome != RunStatus.CANCELLED) {
                startFollowUps(runId, () -> followUps.afterEnd(flowId[0]));
                notifyChannels(runId);
            }
            if (outcome != null) {
                timer.stop(metrics.timer("rowflow.run.duration"));
                metrics.counter("rowflow.runs", "status", outcome.id()).increment();
            }
            threads.remove(runId, Thread.currentThread());
            if (slot[0] != null) {
                workspaceSlots.release(slot[0]);
            }
            if (outbound != null) {
                outbound.close();
            }
            if (waits != null) {
                waits.close();
            }
            deleteQuietly(folder);
            MDC.remove("runId");
            MDC.remove("flowId");
        }
    }

    private static boolean transforms(FlowDefinition definition) {
        return definition.sources().size() > 1 || definition.sources().stream().anyMatch(s -> s.steps() != null
                && !s.steps().isEmpty()) || (definition.transform() != null && definition.transform().path("steps").size() > 0);
    }

    /**
     * Shapes the staged sources into the result, in the same database. It is locked down first (no files, network,
     * extensions or settings from here on), which is why every source is staged before: the writers only read.
     */
    private StagedTable transform(UUID runId, StagingArea area, FlowDefinition definition, List<StagedTable> tables,
            TransformClock clock) throws java.sql.SQLException {
        TransformSession session = TransformSession.over(area.connection(), clock, transformConfig.timeLimit(), tables, null);
        Relation last = TransformPlan.run(session, definition.sources(), definition.transform(), null);
        StagedTable result = session.materialize(last, "rf_result");
        for (TransformSession.ConversionLoss loss : session.conversionLosses(null)) {
            log(runId, "WARN", loss.values() + " value(s) of \"" + loss.column() + "\" did not convert to " + loss.to()
                    + " and were left empty by " + TransformPlan.describe(loss.step()) + " (set it to fail the run to stop on"
                    + " such values instead)");
        }
        return result;
    }

    /**
     * The records the sources say were deleted, shaped by the flow's own transform, so that their key columns come out
     * under the names the destinations hold; null when there are none. A flow combining several sources cannot tell
     * which of its rows a deleted record of one of them removes: it keeps them, and says so.
     */
    private StagedTable deletedResult(UUID runId, StagingArea area, FlowDefinition definition,
            Map<Integer, StagedTable> deletions, TransformClock clock) throws java.sql.SQLException {
        if (deletions.isEmpty()) {
            return null;
        }
        if (definition.sources().size() > 1) {
            long count = deletions.values().stream().mapToLong(StagedTable::rowCount).sum();
            log(runId, "WARN", count + " deleted record(s) were not applied: the flow combines several sources, so the"
                    + " rows they would remove cannot be told apart");
            return null;
        }
        StagedTable deleted = deletions.get(0);
        if (!transforms(definition)) {
            return deleted;
        }
        TransformSession session = TransformSession.over(area.connection(), clock, transformConfig.timeLimit(),
                List.of(deleted), null);
        Relation last = TransformPlan.run(session, definition.sources(), definition.transform(), null);
        StagedTable shaped = session.materialize(last, "rf_deleted");
        return shaped.rowCount() == 0 ? null : shaped;
    }

    /** The runs executing on this node now. */
    public java.util.Set<UUID> executing() {
        return java.util.Set.copyOf(threads.keySet());
    }

    /** Stops the run if it executes here (a cancel, a shutdown): its thread is interrupted, its request aborted. */
    void stop(UUID runId) {
        // Under the map's lock: the thread cannot finish this run and start another one meanwhile.
        threads.computeIfPresent(runId, (id, thread) -> {
            InFlight.interrupt(thread);
            return thread;
        });
    }

    /** Interrupts the run's thread when its time limit passes, the way a cancel does. */
    private final class Watchdog {
        final Duration limit;
        /** Where the limit comes from, as the failure names it. */
        final String setBy;
        private final ScheduledFuture<?> alarm;
        private volatile boolean fired;

        Watchdog(Duration limit, String setBy) {
            this.limit = limit;
            this.setBy = setBy;
            Thread runner = Thread.currentThread();
            this.alarm = alarms.schedule(() -> {
                fired = true;
                InFlight.interrupt(runner);
            }, limit.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Disarms the alarm; true when it had already gone off. */
        boolean stop() {
            alarm.cancel(false);
            if (fired) {
                Thread.interrupted();
            }
            return fired;
        }

        boolean fired() {
            return fired;
        }
    }

    /** The run's outcome is stored whatever happens here: a failure to start follow-up runs is logged, not fatal. */
    private void startFollowUps(UUID runId, Supplier<List<String>> start) {
        try {
            for (String started : start.get()) {
                log(runId, "INFO", started);
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not start the runs that follow run %s", runId);
            log(runId, "WARN", "Could not start the runs that follow this one: " + describe(e));
        }
    }

    /** Tells the workspace's notification channels, off the run's thread: a slow receiver holds no run slot. */
    private void notifyChannels(UUID runId) {
        notifier.execute(() -> {
            try {
                for (String line : notifications.runEnded(runId)) {
                    log(runId, line.startsWith("Notified") ? "INFO" : "WARN", line);
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "Could not notify about run %s", runId);
            }
        });
    }

    private static String describe(Throwable e) {
        if (e instanceof RowflowException) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "Internal error: " + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /** A limit as a person reads it: "2 s", "5 min", "6 h", "1 h 30 min". */
    static String inWords(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 60 || seconds % 60 != 0) {
            return seconds + " s";
        }
        long minutes = seconds / 60;
        if (minutes < 60 || minutes % 60 != 0 && minutes < 120) {
            return minutes + " min";
        }
        return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }

    private static void checkCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new RunCancelledException();
        }
    }

    /** Whether the run was cancelled, or is gone (its flow was deleted). */
    private boolean cancelRequested(UUID runId) {
        return Thread.currentThread().isInterrupted() || QuarkusTransaction.requiringNew().call(() -> {
            RunEntity run = em.find(RunEntity.class, runId);
            return run == null || run.cancelRequested;
        });
    }

    private boolean gone(UUID runId) {
        return QuarkusTransaction.requiringNew().call(() -> em.find(RunEntity.class, runId) == null);
    }

    /** Changes the run's row; nothing when the row is gone (its flow was deleted meanwhile). */
    private RunEntity update(UUID runId, Consumer<RunEntity> change) {
        return QuarkusTransaction.requiringNew().call(() -> {
            RunEntity run = em.find(RunEntity.class, runId);
            if (run != null) {
                change.accept(run);
            }
            return run;
        });
    }

    private void saveStats(UUID runId, RunStats stats) {
        String json;
        try {
            json = mapper.writeValueAsString(stats);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        update(runId, r -> r.statsJson = json);
    }

    /**
     * Claims a queued run for this node: one conditional update, so of two nodes claiming at once one wins. The claim
     * raises the attempt, the fencing token that later writes are checked against.
     */
    private record Claim(RunEntity run, boolean claimed, boolean busy) {
    }

    /**
     * Claims the run with one of its workspace's slots on this node ({@code slot[0]} set while held); a workspace
     * that holds its share waits in the queue like a busy connection.
     */
    private Claim claimWithSlot(UUID runId, UUID[] slot) {
        UUID workspace = QuarkusTransaction.requiringNew().call(() -> {
            RunEntity queued = em.find(RunEntity.class, runId);
            FlowEntity flow = queued == null || queued.status != RunStatus.QUEUED ? null
                    : em.find(FlowEntity.class, queued.flowId);
            return flow == null ? null : flow.workspaceId;
        });
        if (workspace == null) {
            return claim(runId);
        }
        if (!workspaceSlots.tryTake(workspace)) {
            return new Claim(null, false, true);
        }
        Claim claim = null;
        try {
            claim = claim(runId);
        } finally {
            if (claim != null && claim.claimed()) {
                slot[0] = workspace;
            } else {
                workspaceSlots.release(workspace);
            }
        }
        return claim;
    }

    private Claim claim(UUID runId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant now = Instant.now();
            RunEntity queued = em.find(RunEntity.class, runId);
            if (queued != null && queued.status == RunStatus.QUEUED && connectionsBusy(queued.flowId)) {
                return new Claim(queued, false, true);
            }
            int claimed = em.createQuery("update RunEntity set status = :running, nodeId = :node, heartbeatAt = :now,"
                    + " attempt = attempt + 1, startedAt = coalesce(startedAt, :now) where id = :id and status = :queued"
                    + " and cancelRequested = false").setParameter("running", RunStatus.RUNNING)
                    .setParameter("node", leases.nodeId()).setParameter("now", now).setParameter("id", runId)
                    .setParameter("queued", RunStatus.QUEUED).executeUpdate();
            em.clear(); // the bulk update bypassed the persistence context: read the row as it is now
            return new Claim(em.find(RunEntity.class, runId), claimed == 1, false);
        });
    }

    /**
     * Whether the flow's connections already carry their limit of running runs, across the cluster. Their rows are
     * locked first, so two nodes claiming runs on one connection count one after the other.
     */
    private boolean connectionsBusy(UUID flowId) {
        List<UUID> connections = em.createQuery("select fc.connectionId from FlowConnectionEntity fc where fc.flowId = :flow"
                + " order by fc.connectionId", UUID.class).setParameter("flow", flowId).getResultList();
        if (connections.isEmpty()) {
            return false;
        }
        em.createQuery("from ConnectionEntity c where c.id in :ids order by c.id", io.rowflow.connection.ConnectionEntity.class)
                .setParameter("ids", connections).setLockMode(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE)
                .getResultList();
        for (UUID connection : connections) {
            long running = em.createQuery("select count(r) from RunEntity r where r.status = :running and r.flowId in"
                    + " (select fc.flowId from FlowConnectionEntity fc where fc.connectionId = :connection)", Long.class)
                    .setParameter("running", RunStatus.RUNNING).setParameter("connection", connection).getSingleResult();
            if (running >= config.maxConcurrentRunsPerConnection()) {
                return true;
            }
        }
        return false;
    }

    /** A failure that may pass: the run goes back to the queue, not to be picked up before {@code wait} is over. */
    private boolean requeue(UUID runId, int attempt, Duration wait, String step, String message, String upstream) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery("update RunEntity set status = :queued,"
                + " nodeId = null, heartbeatAt = :notBefore, retries = retries + 1, failedStep = :step, errorMessage ="
                + " :message, upstreamMessage = :upstream where id = :id and attempt = :attempt and status = :running")
                .setParameter("queued", RunStatus.QUEUED).setParameter("notBefore", Instant.now().plus(wait))
                .setParameter("step", step).setParameter("message", truncate(message)).setParameter("upstream",
                        truncate(upstream)).setParameter("id", runId).setParameter("attempt", attempt)
                .setParameter("running", RunStatus.RUNNING).executeUpdate() == 1);
    }

    /** Passes only while this node still holds the run with the attempt it claimed. */
    private void checkFence(UUID runId, int attempt) {
        RunEntity run = QuarkusTransaction.requiringNew().call(() -> em.find(RunEntity.class, runId));
        if (run == null || run.attempt != attempt || run.status != RunStatus.RUNNING
                || !leases.nodeId().equals(run.nodeId)) {
            throw new FencedOutException("run " + runId + " was taken over by " + (run == null ? "nobody" : run.nodeId)
                    + " (attempt " + (run == null ? "?" : run.attempt) + ", this node's was " + attempt
                    + "); nothing more is written from here");
        }
    }

    /** At shutdown: the run goes back to the queue, for another node (or this one, restarted) to run again. */
    private void handBack(UUID runId, int attempt) {
        int handed = QuarkusTransaction.requiringNew().call(() -> em.createQuery("update RunEntity set status = :queued,"
                + " nodeId = null, heartbeatAt = null where id = :id and attempt = :attempt and status = :running")
                .setParameter("queued", RunStatus.QUEUED).setParameter("id", runId).setParameter("attempt", attempt)
                .setParameter("running", RunStatus.RUNNING).executeUpdate());
        if (handed == 1) {
            log(runId, "WARN", "The server is shutting down: the run is handed back and starts again on another node");
        }
    }

    /** Records the outcome; false when the run was taken over meanwhile (the new holder reports the outcome). */
    private boolean finish(UUID runId, RunStatus status, String step, String message, String upstream) {
        return finish(runId, status, step, message, upstream, () -> { });
    }

    /** Records the outcome, and in the same transaction {@code alongside} (only if the outcome is recorded). */
    private boolean finish(UUID runId, RunStatus status, String step, String message, String upstream,
            Runnable alongside) {
        boolean[] recorded = { false };
        update(runId, r -> {
            if (r.status.finished() || (r.nodeId != null && !leases.nodeId().equals(r.nodeId))) {
                return;
            }
            recorded[0] = true;
            r.status = status;
            r.endedAt = Instant.now();
            r.failedStep = step;
            r.errorMessage = truncate(message);
            r.upstreamMessage = truncate(upstream);
            alongside.run();
        });
        return recorded[0];
    }

    private void log(UUID runId, String level, String message) {
        LOG.log(Logger.Level.valueOf(level), message);
        QuarkusTransaction.requiringNew().run(() -> {
            if (em.find(RunEntity.class, runId) == null) {
                return; // the flow and its runs were deleted meanwhile
            }
            RunLogEntity line = new RunLogEntity();
            line.runId = runId;
            line.at = Instant.now();
            line.level = level;
            line.message = truncate(message);
            em.persist(line);
        });
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 4000 ? text : text.substring(0, 3997) + "...";
    }

    /** Deletes a folder and everything in it; what cannot be deleted is logged, not thrown. */
    static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("Could not delete %s: %s", folder, e.getMessage());
        }
    }
}
