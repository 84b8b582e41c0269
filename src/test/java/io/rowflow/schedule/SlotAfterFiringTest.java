package io.rowflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Where a flow's execution moves once a slot fired: the slot after it, even when that one is already past (a late
 * slot keeps its own time), unless it is more than the misfire threshold past (downtime), then the first slot after now.
 * A change of the flow keeps a due slot that is still one of its schedule's.
 */
class SlotAfterFiringTest {
    static final Schedule EVERY_15_MINUTES = new Schedule("every_15_minutes", "Europe/Berlin", null, null, null, null,
            null, null, null);
    static final Duration THRESHOLD = Duration.ofSeconds(60);

    @Test
    void onTimeTheNextSlotFollows() {
        Instant slot = Instant.parse("2026-03-10T08:00:00Z");
        assertThat(ScheduleEngine.slotAfterFiring(EVERY_15_MINUTES, slot, slot.plusMillis(300), THRESHOLD))
                .contains(Instant.parse("2026-03-10T08:15:00Z"));
    }

    @Test
    void aLateNextSlotWithinTheThresholdKeepsItsOwnTime() {
        Instant slot = Instant.parse("2026-03-10T08:00:00Z");
        Instant now = Instant.parse("2026-03-10T08:15:40Z"); // the 08:15 slot is 40 s past
        assertThat(ScheduleEngine.slotAfterFiring(EVERY_15_MINUTES, slot, now, THRESHOLD))
                .contains(Instant.parse("2026-03-10T08:15:00Z"));
    }

    @Test
    void afterDowntimeTheFlowSkipsToTheFirstSlotAfterNow() {
        Instant slot = Instant.parse("2026-03-10T08:00:00Z");
        Instant now = Instant.parse("2026-03-10T11:07:00Z"); // three hours down
        assertThat(ScheduleEngine.slotAfterFiring(EVERY_15_MINUTES, slot, now, THRESHOLD))
                .contains(Instant.parse("2026-03-10T11:15:00Z"));
    }

    @Test
    void aPausedScheduleHasNoNextSlot() {
        Schedule paused = new Schedule("every_15_minutes", "UTC", null, null, null, null, null, null, true);
        Instant slot = Instant.parse("2026-03-10T08:00:00Z");
        assertThat(ScheduleEngine.slotAfterFiring(paused, slot, slot, THRESHOLD)).isEmpty();
    }

    @Test
    void aDueSlotSurvivesAChangeThatKeepsItAndMovesOtherwise() {
        Instant slot = Instant.parse("2026-03-10T08:00:00Z");
        Instant now = slot.plusSeconds(2); // due, not fired yet (a busy cluster)
        assertThat(ScheduleEngine.keepsDueSlot(EVERY_15_MINUTES, slot, now, THRESHOLD)).isTrue();
        Schedule dailyAtHalfPast = new Schedule("daily", "UTC", null, java.util.List.of("08:30"), null, null, null,
                null, null);
        assertThat(ScheduleEngine.keepsDueSlot(dailyAtHalfPast, slot, now, THRESHOLD)).as("no longer a slot").isFalse();
        assertThat(ScheduleEngine.keepsDueSlot(EVERY_15_MINUTES, slot, slot.minusSeconds(1), THRESHOLD))
                .as("not due yet: the first slot after now decides").isFalse();
        assertThat(ScheduleEngine.keepsDueSlot(EVERY_15_MINUTES, slot, slot.plusSeconds(61), THRESHOLD))
                .as("past the misfire threshold").isFalse();
    }

    @Test
    void executionsHoldNoJavaSerializedData() {
        ScheduleEngine.NoDataSerializer serializer = new ScheduleEngine.NoDataSerializer();
        assertThat(serializer.serialize(null)).isNull();
        assertThat(serializer.serialize("2026-03-10T08:00:00Z")).isEqualTo("2026-03-10T08:00:00Z".getBytes(StandardCharsets.UTF_8));
        assertThat(serializer.deserialize(String.class, "x".getBytes(StandardCharsets.UTF_8))).isEqualTo("x");
        assertThatThrownBy(() -> serializer.serialize(Duration.ofSeconds(1)))
                .hasMessage("Scheduler executions carry no data or plain text, not class java.time.Duration");
    }
}
