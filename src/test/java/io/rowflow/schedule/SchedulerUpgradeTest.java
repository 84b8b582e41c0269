package io.rowflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.rowflow.common.db.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * An upgrade from the Quartz engine: a database migrated to the last version before V40, its flows' slots held by
 * Quartz's triggers as Quartz wrote them (next fire time in epoch millis, trigger name = flow id, group 'flows'), is
 * migrated to V40 and the new engine starts on it. Every flow fires at the slot Quartz had for it (a late one at once,
 * with its own time), the slot Quartz was firing when the old version stopped fires again, a flow Quartz had no trigger
 * for gets its next slot from the start-up reconcile, and a trigger of a deleted flow is dropped. Runs on PostgreSQL
 * (its own database, {@code rowflow.test.upgrade-db}, dropped and made anew) and on the embedded H2.
 */
class SchedulerUpgradeTest {
    static final String PG_BASE = "jdbc:postgresql://127.0.0.1:5432/";
    static final UUID WORKSPACE = UUID.fromString("00000000-0000-0000-0000-000000000001");

    @Test
    void postgresqlFlowsKeepTheirQuartzSlots() throws Exception {
        PGSimpleDataSource pg = emptyDatabase(System.getProperty("rowflow.test.upgrade-db", "rowflow_scheduler_upgrade"));
        upgradeAndFire(pg, true, "classpath:db/quartz/postgresql", "classpath:db/scheduler/postgresql");
    }

    @Test
    void embeddedFlowsKeepTheirQuartzSlots() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:upgrade-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        h2.setUser("rowflow");
        upgradeAndFire(h2, false, "classpath:db/quartz/h2", "classpath:db/scheduler/h2");
    }

    private void upgradeAndFire(DataSource dataSource, boolean postgres, String quartzScripts, String schedulerScripts)
            throws Exception {
        String[] locations = {"classpath:db/migration", quartzScripts, schedulerScripts};
        // The last version before db-scheduler's V40: what a database of the previous release is at.
        String previous = Arrays.stream(Flyway.configure().dataSource(dataSource).locations(locations).load().info().all())
                .map(MigrationInfo::getVersion).filter(v -> v.compareTo(MigrationVersion.fromVersion("40")) < 0)
                .max(Comparator.naturalOrder()).orElseThrow().getVersion();
        Flyway.configure().dataSource(dataSource).locations(locations).target(previous).load().migrate();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // Each flow fires once a day at its slot's time of day (UTC), so a slot fired once is followed by tomorrow's.
        Instant late = now.minusSeconds(10); // its node went down just before it: fires at once, with its own time
        Instant soon = now.plusSeconds(4);
        Instant inFlight = now.minusSeconds(20); // being fired when the old version stopped
        UUID lateFlow = UUID.randomUUID();
        UUID soonFlow = UUID.randomUUID();
        UUID inFlightFlow = UUID.randomUUID();
        UUID newFlow = UUID.randomUUID();
        UUID deletedFlow = UUID.randomUUID();
        Map<UUID, Schedule> schedules = new HashMap<>();
        schedules.put(lateFlow, dailyAt(late));
        schedules.put(soonFlow, dailyAt(soon));
        schedules.put(inFlightFlow, dailyAt(inFlight));
        try (Connection c = dataSource.getConnection()) {
            for (UUID flow : List.of(lateFlow, soonFlow, inFlightFlow, newFlow)) {
                insertFlow(c, flow);
            }
            quartzTrigger(c, lateFlow, late);
            quartzTrigger(c, soonFlow, soon);
            quartzTrigger(c, deletedFlow, soon);
            // Quartz's state while firing a single-shot trigger: the trigger has no next time, the fired row keeps the slot.
            quartzTrigger(c, inFlightFlow, null);
            quartzFired(c, inFlightFlow, inFlight);
        }

        Flyway.configure().dataSource(dataSource).locations(locations).load().migrate();

        try (Connection c = dataSource.getConnection()) {
            assertThat(executions(c)).containsExactlyInAnyOrderEntriesOf(Map.of(lateFlow.toString(), late,
                    soonFlow.toString(), soon, inFlightFlow.toString(), inFlight));
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from"
                    + " information_schema.tables where lower(table_name) like 'qrtz%'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("Quartz's tables are dropped").isZero();
            }
        }

        // No trigger: the start-up reconcile sets its first slot after now, a few seconds after the engine starts.
        Instant unknownToQuartz = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(3);
        schedules.put(newFlow, dailyAt(unknownToQuartz));
        List<Map.Entry<UUID, Instant>> fired = new CopyOnWriteArrayList<>();
        CountDownLatch allFired = new CountDownLatch(4);
        ScheduleEngine engine = new ScheduleEngine(config(), database(postgres), null, null, schedules(schedules),
                slots -> slots.forEach(s -> {
                    fired.add(Map.entry(s.flowId(), s.slot()));
                    allFired.countDown();
                }), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        engine.start(dataSource, postgres);
        try {
            assertThat(allFired.await(60, TimeUnit.SECONDS)).as("every flow fired; fired: %s", fired).isTrue();
            Instant lastSlot = soon;
            // Each slot fired exactly once, and each flow's execution moved on to tomorrow's slot.
            awaitNextSlot(engine, soonFlow, lastSlot.plus(Duration.ofDays(1)));
            assertThat(fired).containsExactlyInAnyOrder(Map.entry(lateFlow, late), Map.entry(soonFlow, soon),
                    Map.entry(inFlightFlow, inFlight), Map.entry(newFlow, unknownToQuartz));
            for (Map.Entry<UUID, Instant> slot : fired) {
                awaitNextSlot(engine, slot.getKey(), slot.getValue().plus(Duration.ofDays(1)));
            }
            assertThat(engine.nextSlot(deletedFlow)).isEmpty();
        } finally {
            engine.stop();
        }
    }

    /** The execution moves once its slot's completion is written, just after the slot was handed over. */
    private static void awaitNextSlot(ScheduleEngine engine, UUID flow, Instant expected) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!engine.nextSlot(flow).equals(Optional.of(expected)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
        assertThat(engine.nextSlot(flow)).contains(expected);
    }

    static Schedule dailyAt(Instant at) {
        ZonedDateTime t = at.atZone(ZoneOffset.UTC);
        String cron = t.getSecond() + " " + t.getMinute() + " " + t.getHour() + " * * ?";
        return new Schedule("cron", "UTC", null, null, null, null, null, cron, null);
    }

    private static Map<String, Instant> executions(Connection c) throws SQLException {
        Map<String, Instant> rows = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select task_name, task_instance,"
                + " execution_time, picked from scheduled_tasks")) {
            while (rs.next()) {
                assertThat(rs.getString(1)).isEqualTo(ScheduleEngine.TASK);
                assertThat(rs.getBoolean(4)).isFalse();
                rows.put(rs.getString(2), rs.getTimestamp(3).toInstant());
            }
        }
        return rows;
    }

    static void insertFlow(Connection c, UUID flow) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("insert into flow (id, name, definition_json, created_at,"
                + " updated_at, workspace_id) values (?, ?, '{}', ?, ?, ?)")) {
            Timestamp now = Timestamp.from(Instant.now());
            s.setObject(1, flow);
            s.setString(2, "flow " + flow);
            s.setTimestamp(3, now);
            s.setTimestamp(4, now);
            s.setObject(5, WORKSPACE);
            s.executeUpdate();
        }
    }

    /** The rows Quartz's JDBC job store wrote for a flow's job and single-shot trigger (ScheduleEngine before V40). */
    private static void quartzTrigger(Connection c, UUID flow, Instant next) throws SQLException {
        try (PreparedStatement job = c.prepareStatement("insert into QRTZ_JOB_DETAILS (SCHED_NAME, JOB_NAME, JOB_GROUP,"
                + " JOB_CLASS_NAME, IS_DURABLE, IS_NONCONCURRENT, IS_UPDATE_DATA, REQUESTS_RECOVERY) values ('rowflow', ?,"
                + " 'flows', 'io.rowflow.schedule.ScheduleEngine$SlotJob', true, true, false, true)");
                PreparedStatement trigger = c.prepareStatement("insert into QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME,"
                        + " TRIGGER_GROUP, JOB_NAME, JOB_GROUP, NEXT_FIRE_TIME, PREV_FIRE_TIME, PRIORITY, TRIGGER_STATE,"
                        + " TRIGGER_TYPE, START_TIME, MISFIRE_INSTR) values ('rowflow', ?, 'flows', ?, 'flows', ?, -1, 5,"
                        + " ?, 'SIMPLE', ?, 1)");
                PreparedStatement simple = c.prepareStatement("insert into QRTZ_SIMPLE_TRIGGERS (SCHED_NAME,"
                        + " TRIGGER_NAME, TRIGGER_GROUP, REPEAT_COUNT, REPEAT_INTERVAL, TIMES_TRIGGERED) values"
                        + " ('rowflow', ?, 'flows', 0, 0, ?)")) {
            job.setString(1, flow.toString());
            job.executeUpdate();
            trigger.setString(1, flow.toString());
            trigger.setString(2, flow.toString());
            if (next == null) {
                trigger.setNull(3, java.sql.Types.BIGINT);
            } else {
                trigger.setLong(3, next.toEpochMilli());
            }
            trigger.setString(4, next == null ? "COMPLETE" : "WAITING");
            trigger.setLong(5, Instant.now().minusSeconds(3600).toEpochMilli());
            trigger.executeUpdate();
            simple.setString(1, flow.toString());
            simple.setInt(2, next == null ? 1 : 0);
            simple.executeUpdate();
        }
    }

    private static void quartzFired(Connection c, UUID flow, Instant slot) throws SQLException {
        try (PreparedStatement fired = c.prepareStatement("insert into QRTZ_FIRED_TRIGGERS (SCHED_NAME, ENTRY_ID,"
                + " TRIGGER_NAME, TRIGGER_GROUP, INSTANCE_NAME, FIRED_TIME, SCHED_TIME, PRIORITY, STATE, JOB_NAME,"
                + " JOB_GROUP, IS_NONCONCURRENT, REQUESTS_RECOVERY) values ('rowflow', ?, ?, 'flows', 'old-node', ?, ?, 5,"
                + " 'EXECUTING', ?, 'flows', true, true)")) {
            fired.setString(1, "old-node" + slot.toEpochMilli());
            fired.setString(2, flow.toString());
            fired.setLong(3, slot.plusMillis(40).toEpochMilli());
            fired.setLong(4, slot.toEpochMilli());
            fired.setString(5, flow.toString());
            fired.executeUpdate();
        }
    }

    static DatabaseConfig database(boolean postgres) {
        return new DatabaseConfig() {
            @Override
            public Kind kind() {
                return postgres ? Kind.POSTGRESQL : Kind.EMBEDDED;
            }

            @Override
            public Optional<String> url() {
                return Optional.empty();
            }

            @Override
            public Optional<String> username() {
                return Optional.empty();
            }

            @Override
            public Optional<String> password() {
                return Optional.empty();
            }
        };
    }

    /** The defaults of {@link ScheduleConfig}. */
    /** A PostgreSQL database of the test's own, dropped and made anew, empty. */
    static PGSimpleDataSource emptyDatabase(String db) throws SQLException {
        try (Connection admin = DriverManager.getConnection(PG_BASE + "postgres", "postgres", "");
                Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + db);
        }
        PGSimpleDataSource pg = new PGSimpleDataSource();
        pg.setURL(PG_BASE + db);
        pg.setUser("postgres");
        return pg;
    }

    /** As {@link #emptyDatabase}, with Rowflow's PostgreSQL schema migrated in. */
    static PGSimpleDataSource migratedDatabase(String db) throws SQLException {
        PGSimpleDataSource pg = emptyDatabase(db);
        Flyway.configure().dataSource(pg).locations("classpath:db/migration", "classpath:db/quartz/postgresql",
                "classpath:db/scheduler/postgresql").load().migrate();
        return pg;
    }

    /** Flows' schedules as the engine reads them, from a map the test changes. */
    static FlowSchedules schedules(Map<UUID, Schedule> schedules) {
        return new FlowSchedules() {
            @Override
            public Map<UUID, Schedule> of(java.util.Collection<UUID> flowIds) {
                Map<UUID, Schedule> found = new java.util.HashMap<>();
                flowIds.stream().filter(schedules::containsKey).forEach(id -> found.put(id, schedules.get(id)));
                return found;
            }

            @Override
            public Map<UUID, Schedule> all() {
                return Map.copyOf(schedules);
            }
        };
    }

    static ScheduleConfig config() {
        return config(Duration.ofSeconds(2));
    }

    /** The defaults of {@link ScheduleConfig}, but for the heartbeat interval. */
    static ScheduleConfig config(Duration heartbeat) {
        return config(heartbeat, Duration.ZERO);
    }

    /** The defaults of {@link ScheduleConfig}, but for the heartbeat interval and the spread window. */
    static ScheduleConfig config(Duration heartbeat, Duration spread) {
        return new ScheduleConfig() {
            @Override
            public Duration spreadWindow() {
                return spread;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Duration pollingInterval() {
                return Duration.ofSeconds(1);
            }

            @Override
            public Duration heartbeatInterval() {
                return heartbeat;
            }

            @Override
            public int missedHeartbeats() {
                return 4;
            }

            @Override
            public Duration misfireThreshold() {
                return Duration.ofSeconds(60);
            }

            @Override
            public int threads() {
                return 8;
            }

            @Override
            public int recordingThreads() {
                return 2;
            }

            @Override
            public int recordingBatch() {
                return 256;
            }

            @Override
            public double batchPerThread() {
                return 4.0;
            }

            @Override
            public double refillBelowPerThread() {
                return 1.0;
            }

            @Override
            public Duration shutdownMaxWait() {
                return Duration.ofSeconds(10);
            }
        };
    }
}
