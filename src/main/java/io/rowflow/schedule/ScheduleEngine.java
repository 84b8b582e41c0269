package io.rowflow.schedule;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rowflow.common.db.DatabaseConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * Fires flows' schedules through Quartz with its JDBC job store, clustered on Rowflow's database: every node runs a
 * scheduler, and Quartz's row locks make each slot fire on exactly one of them; when a node dies, the others take
 * over its triggers (and re-run a slot it had fired but not finished, since the jobs request recovery).
 *
 * Each flow has one job and one single-shot trigger set to its next slot, computed by {@link ScheduleCalculator} (so the
 * daylight-saving rules are Rowflow's own). When the slot fires, the job hands it to {@link SlotFiring} and sets the
 * trigger to the slot after now: a flow that missed several slots while the cluster was down runs once, not once per
 * slot (Quartz's misfire rule "fire now" for a late single-shot trigger).
 */
@ApplicationScoped
public class ScheduleEngine {
    private static final Logger LOG = Logger.getLogger(ScheduleEngine.class);
    static final String GROUP = "flows";
    static final String FLOW_ID = "flowId";

    private final ScheduleConfig config;
    private final DatabaseConfig database;
    private final Instance<AgroalDataSource> embedded;
    private final Instance<AgroalDataSource> pg;
    private final FlowSchedules flows;
    private volatile Scheduler scheduler;

    public ScheduleEngine(ScheduleConfig config, DatabaseConfig database,
            @DataSource("embedded") Instance<AgroalDataSource> embedded, @DataSource("pg") Instance<AgroalDataSource> pg,
            FlowSchedules flows) {
        this.config = config;
        this.database = database;
        this.embedded = embedded;
        this.pg = pg;
        this.flows = flows;
    }

    /** After Flyway (which made the tables) and the other start-up work; before the HTTP port opens. */
    void start(@Observes @Priority(5000) StartupEvent event) throws SchedulerException {
        if (!config.enabled()) {
            LOG.info("The scheduler is off on this node (rowflow.schedule.enabled=false)");
            return;
        }
        boolean postgres = database.kind() == DatabaseConfig.Kind.POSTGRESQL;
        QuartzDataSource.dataSource = postgres ? pg.get() : embedded.get();
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "rowflow");
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(config.threads()));
        // Many slots due at once are taken from the database in batches, not one lock round-trip each.
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(config.threads()));
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", postgres
                ? LimitedAcquirePostgreSQLDelegate.class.getName() : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", "rowflow");
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        // Job data as strings only: nothing Java-serialized in the database.
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(config.clusterCheckinInterval().toMillis()));
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(config.misfireThreshold().toMillis()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.dataSource.rowflow.connectionProvider.class", QuartzDataSource.class.getName());
        StdSchedulerFactory factory = new StdSchedulerFactory();
        factory.initialize(p);
        scheduler = factory.getScheduler();
        scheduler.start();
        int synced = reconcile();
        if (postgres) {
            refreshPlannerStatistics();
        }
        LOG.infof("Scheduler started (%s, cluster node %s); %d flow schedule(s) in step", postgres ? "PostgreSQL"
                : "embedded database", scheduler.getSchedulerInstanceId(), synced);
    }

    /**
     * Quartz looks its rows up through prepared statements whose plans PostgreSQL caches. Planned against tables it has
     * never analyzed (a new database, thousands of triggers just written, autovacuum off or not yet round), a key
     * lookup can settle on a plan that reads every trigger: the scheduler burst benchmark measured 780 rows read per
     * lookup. Fresh statistics once the triggers are set keep every lookup on its key; autovacuum keeps them fresh.
     */
    private void refreshPlannerStatistics() {
        try (java.sql.Connection c = QuartzDataSource.dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("ANALYZE qrtz_triggers, qrtz_simple_triggers, qrtz_job_details, qrtz_fired_triggers, run, flow");
        } catch (java.sql.SQLException e) {
            LOG.warnf("Could not refresh the scheduler tables' statistics (%s); PostgreSQL's autovacuum will", e.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent event) throws SchedulerException {
        if (scheduler != null) {
            // Slots being handed over finish first; the runs themselves belong to the run pool.
            scheduler.shutdown(true);
        }
    }

    /** Keeps the flow's trigger in step once its change has committed (a rolled-back change leaves it as it was). */
    void onFlowChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) FlowScheduleChanged change) {
        if (scheduler != null) {
            resync(change.flowId());
        }
    }

    /** The flow's schedule changed: its trigger moves to the first slot after now. */
    void resync(UUID flowId) {
        sync(flowId, flows.of(flowId), Instant.now());
    }

    /**
     * A slot fired: the trigger moves to the slot after it. When that one is already past (the slot fired late, the
     * cluster was busy or recovering), it fires at once with its own time, so no slot is lost; when it is more than
     * the misfire threshold past (downtime), Quartz fires it once, now, and the slots after follow from there.
     */
    void advance(UUID flowId, Instant firedSlot) {
        sync(flowId, flows.of(flowId), firedSlot);
    }

    /** Every flow's trigger set from its schedule, triggers of deleted flows removed. Safe on several nodes at once. */
    int reconcile() throws SchedulerException {
        Map<UUID, Schedule> schedules = flows.all();
        Instant now = Instant.now();
        for (Map.Entry<UUID, Schedule> flow : schedules.entrySet()) {
            // A trigger that exists already keeps its slot (it may be a late one about to fire).
            if (!scheduler.checkExists(TriggerKey.triggerKey(flow.getKey().toString(), GROUP))) {
                sync(flow.getKey(), Optional.of(flow.getValue()), now);
            }
        }
        Set<String> known = schedules.keySet().stream().map(UUID::toString).collect(Collectors.toSet());
        for (JobKey job : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!known.contains(job.getName())) {
                scheduler.deleteJob(job);
            }
        }
        return schedules.size();
    }

    /** Sets the flow's trigger to its first slot after {@code after}, or removes it when there is none (paused, gone). */
    void sync(UUID flowId, Optional<Schedule> schedule, Instant after) {
        try {
            Optional<Instant> next = schedule.flatMap(s -> nextAfter(s, after));
            JobKey job = JobKey.jobKey(flowId.toString(), GROUP);
            if (next.isEmpty()) {
                scheduler.deleteJob(job);
                return;
            }
            Trigger trigger = trigger(flowId, next.get());
            Trigger current = scheduler.getTrigger(trigger.getKey());
            if (current != null) {
                if (current.getNextFireTime() != null && next.get().equals(current.getNextFireTime().toInstant())) {
                    return;
                }
                scheduler.rescheduleJob(trigger.getKey(), trigger);
            } else {
                JobDetail detail = JobBuilder.newJob(SlotJob.class).withIdentity(job).usingJobData(FLOW_ID, flowId.toString())
                        .storeDurably().requestRecovery().build();
                scheduler.scheduleJob(detail, Set.of(trigger), true);
            }
        } catch (SchedulerException e) {
            // Another node may have written the same trigger a moment before: the next reconcile settles it.
            LOG.warnf("Could not set the trigger of flow %s: %s", flowId, e.getMessage());
        }
    }

    static Optional<Instant> nextAfter(Schedule schedule, Instant after) {
        List<java.time.ZonedDateTime> next = ScheduleCalculator.next(schedule, after, 1);
        return next.isEmpty() ? Optional.empty() : Optional.of(next.get(0).toInstant());
    }

    private static Trigger trigger(UUID flowId, Instant at) {
        return TriggerBuilder.newTrigger().withIdentity(TriggerKey.triggerKey(flowId.toString(), GROUP))
                .forJob(JobKey.jobKey(flowId.toString(), GROUP)).startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow()).build();
    }

    /** The next slot the flow's trigger is set to, if any (for tests and diagnostics). */
    public Optional<Instant> nextSlot(UUID flowId) throws SchedulerException {
        Trigger trigger = scheduler == null ? null : scheduler.getTrigger(TriggerKey.triggerKey(flowId.toString(), GROUP));
        return trigger == null || trigger.getNextFireTime() == null ? Optional.empty()
                : Optional.of(trigger.getNextFireTime().toInstant());
    }

    /** Stops firing on this node (a test's way to simulate a cluster that is down) until {@link #resume()}. */
    void standby() throws SchedulerException {
        scheduler.standby();
    }

    void resume() throws SchedulerException {
        scheduler.start();
    }

    /** A slot came: hand it over, then set the trigger to the flow's next slot after now. */
    @DisallowConcurrentExecution
    public static class SlotJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            UUID flowId = UUID.fromString(context.getMergedJobDataMap().getString(FLOW_ID));
            Instant slot = context.getScheduledFireTime().toInstant();
            if (context.isRecovering() && context.getMergedJobDataMap()
                    .containsKey(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS)) {
                // Re-run of a slot whose node died while firing it: the slot is the one it was scheduled for (not the
                // moment it actually fired, which Quartz also keeps): the run's key must be the same either way.
                slot = Instant.ofEpochMilli(Long.parseLong(context.getMergedJobDataMap()
                        .getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS)));
            }
            ScheduleEngine engine = Arc.container().instance(ScheduleEngine.class).get();
            try {
                Arc.container().instance(SlotFiring.class).get().fire(flowId, slot);
            } catch (RuntimeException e) {
                LOG.errorf(e, "The slot %s of flow %s could not start a run", slot, flowId);
            } finally {
                engine.advance(flowId, slot);
            }
        }
    }
}
