package io.rowflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A node killed while handing a slot over leaves its flow's execution claimed (picked, its heartbeat stopping): another
 * node revives it once the heartbeats it missed pass {@code missed-heartbeats}, and fires the slot with its own time
 * (the run's key), then moves the flow on to its next slot. On PostgreSQL (its own database,
 * {@code rowflow.test.revival-db}, dropped and made anew), where slots are claimed with lock-and-fetch.
 */
class SlotRevivalTest {
    @Test
    void aSlotClaimedByAKilledNodeFiresElsewhereWithItsOwnTime() throws Exception {
        PGSimpleDataSource pg = SchedulerUpgradeTest.migratedDatabase(System.getProperty("rowflow.test.revival-db", "rowflow_scheduler_revival"));

        Instant slot = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
        UUID flow = UUID.randomUUID();
        Schedule schedule = SchedulerUpgradeTest.dailyAt(slot);
        try (Connection c = pg.getConnection(); PreparedStatement claimed = c.prepareStatement("insert into"
                + " scheduled_tasks (task_name, task_instance, execution_time, picked, picked_by, last_heartbeat, version)"
                + " values (?, ?, ?, true, 'killed-node', ?, 2)")) {
            SchedulerUpgradeTest.insertFlow(c, flow);
            // The row as a node leaves it when killed right after claiming the slot (its last heartbeat then).
            claimed.setString(1, ScheduleEngine.TASK);
            claimed.setString(2, flow.toString());
            claimed.setTimestamp(3, Timestamp.from(slot));
            claimed.setTimestamp(4, Timestamp.from(slot.plusMillis(20)));
            claimed.executeUpdate();
        }

        List<Map.Entry<UUID, Instant>> fired = new CopyOnWriteArrayList<>();
        CountDownLatch firedOnce = new CountDownLatch(1);
        ScheduleEngine survivor = new ScheduleEngine(SchedulerUpgradeTest.config(Duration.ofMillis(500)),
                SchedulerUpgradeTest.database(true), null, null, SchedulerUpgradeTest.schedules(Map.of(flow, schedule)),
                slots -> slots.forEach(s -> {
                    fired.add(Map.entry(s.flowId(), s.slot()));
                    firedOnce.countDown();
                }), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        survivor.start(pg, true);
        try {
            assertThat(firedOnce.await(30, TimeUnit.SECONDS)).as("the claimed slot was revived and fired").isTrue();
            Instant tomorrow = slot.plus(Duration.ofDays(1));
            Instant deadline = Instant.now().plusSeconds(10);
            while (!survivor.nextSlot(flow).equals(Optional.of(tomorrow)) && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            assertThat(survivor.nextSlot(flow)).contains(tomorrow);
            assertThat(fired).containsExactly(Map.entry(flow, slot));
        } finally {
            survivor.stop();
        }
    }
}
