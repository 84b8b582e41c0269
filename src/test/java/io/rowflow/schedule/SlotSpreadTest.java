package io.rowflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * With a spread window, flows sharing a slot fire each at its own fixed offset into the window, drawn from its id;
 * the slot they record is still the slot's own time (the run's key), and the next firing keeps the same offset. On
 * PostgreSQL (its own database, dropped and made anew).
 */
class SlotSpreadTest {
    private static final Duration WINDOW = Duration.ofSeconds(6);

    @Test
    void flowsSharingASlotFireSpreadOverTheWindowAndKeepTheSlotsOwnTime() throws Exception {
        PGSimpleDataSource pg = SchedulerUpgradeTest.migratedDatabase("rowflow_scheduler_spread");

        Instant slot = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(4);
        Map<UUID, Schedule> schedules = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            schedules.put(UUID.randomUUID(), SchedulerUpgradeTest.dailyAt(slot));
        }
        Map<UUID, Instant> firedSlot = new ConcurrentHashMap<>();
        Map<UUID, Instant> firedAt = new ConcurrentHashMap<>();
        List<UUID> fires = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch all = new CountDownLatch(schedules.size());
        ScheduleEngine engine = new ScheduleEngine(SchedulerUpgradeTest.config(Duration.ofSeconds(2), WINDOW),
                SchedulerUpgradeTest.database(true), null, null, SchedulerUpgradeTest.schedules(schedules),
                slots -> slots.forEach(s -> {
                    fires.add(s.flowId());
                    firedAt.put(s.flowId(), Instant.now());
                    if (firedSlot.putIfAbsent(s.flowId(), s.slot()) == null) {
                        all.countDown();
                    }
                }), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        engine.start(pg, true);
        try {
            List<Duration> offsets = new ArrayList<>();
            for (UUID flow : schedules.keySet()) {
                Duration offset = Duration.between(slot, engine.fireAt(flow, slot));
                assertThat(offset.isNegative()).isFalse();
                assertThat(offset).isLessThan(WINDOW);
                offsets.add(offset);
                // Before it fires: the flow's next slot is the slot itself, its execution set to the offset.
                assertThat(engine.nextSlot(flow)).contains(slot);
                assertThat(engine.nextFiring(flow)).contains(slot.plus(offset));
            }
            assertThat(offsets).as("flows spread over the window, not all at one time").doesNotHaveDuplicates();

            assertThat(all.await(30, TimeUnit.SECONDS)).as("every flow fired: %s", firedSlot).isTrue();
            Instant tomorrow = slot.plus(Duration.ofDays(1));
            for (UUID flow : schedules.keySet()) {
                assertThat(firedSlot.get(flow)).as("the slot recorded is the slot's own time").isEqualTo(slot);
                assertThat(firedAt.get(flow)).as("fired at its offset, not before")
                        .isAfterOrEqualTo(engine.fireAt(flow, slot));
                Instant deadline = Instant.now().plusSeconds(10);
                while (!engine.nextSlot(flow).equals(java.util.Optional.of(tomorrow)) && Instant.now().isBefore(deadline)) {
                    Thread.sleep(50);
                }
                assertThat(engine.nextSlot(flow)).contains(tomorrow);
                assertThat(engine.nextFiring(flow)).contains(tomorrow.plus(Duration.between(slot,
                        engine.fireAt(flow, slot))));
            }
            assertThat(fires).as("each flow fired once").doesNotHaveDuplicates().hasSize(schedules.size());
        } finally {
            engine.stop();
        }
    }
}
