package io.rowflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's own chain of slots, driven by a controlled clock through both of Europe/Berlin's 2026 changes: the
 * engine sets a flow's trigger to its first slot, and each time a slot fires it moves the trigger to the slot after the
 * fired one ({@link ScheduleEngine#nextAfter}, as the slot job does; a slot that fires late still moves the trigger
 * along from its own time). The clock here is the fired slot. Each policy fires as docs/schedules.md documents, every real day.
 */
class SlotChainDaylightSavingTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** The slots the engine fires during the local day {@code date}, as local time and offset. */
    static List<String> firesOn(String json, String date) throws Exception {
        Schedule schedule = ScheduleCalculatorTest.schedule(json);
        ZonedDateTime dayStart = java.time.LocalDate.parse(date).atStartOfDay(BERLIN);
        Instant dayEnd = dayStart.plusDays(1).toInstant();
        List<String> fired = new ArrayList<>();
        Optional<Instant> trigger = ScheduleEngine.nextAfter(schedule, dayStart.toInstant().minusSeconds(1));
        while (trigger.isPresent() && trigger.get().isBefore(dayEnd)) {
            Instant slot = trigger.get();
            fired.add(slot.atZone(BERLIN).toOffsetDateTime().toLocalTime() + slot.atZone(BERLIN).getOffset().getId());
            trigger = ScheduleEngine.nextAfter(schedule, slot);
        }
        return fired;
    }

    @Test
    void intervalPresetsFireAtTheSlotsThatExist() throws Exception {
        String quarter = "{\"preset\":\"every_15_minutes\",\"timezone\":\"Europe/Berlin\"}";
        assertThat(firesOn(quarter, "2026-03-29")).hasSize(92).contains("01:45+01:00", "03:00+02:00")
                .noneMatch(t -> t.startsWith("02:"));
        assertThat(firesOn(quarter, "2026-10-25")).hasSize(100)
                .containsSubsequence("02:45+02:00", "02:00+01:00", "02:15+01:00");

        String hourly = "{\"preset\":\"hourly\",\"timezone\":\"Europe/Berlin\"}";
        assertThat(firesOn(hourly, "2026-03-29")).hasSize(23).doesNotContain("02:00+01:00", "02:00+02:00");
        assertThat(firesOn(hourly, "2026-10-25")).hasSize(25).containsSubsequence("02:00+02:00", "02:00+01:00");

        String everyTwo = "{\"preset\":\"every_n_hours\",\"hours\":2,\"timezone\":\"Europe/Berlin\"}";
        assertThat(firesOn(everyTwo, "2026-03-29")).containsExactly("00:00+01:00", "04:00+02:00", "06:00+02:00",
                "08:00+02:00", "10:00+02:00", "12:00+02:00", "14:00+02:00", "16:00+02:00", "18:00+02:00", "20:00+02:00",
                "22:00+02:00");
        assertThat(firesOn(everyTwo, "2026-10-25")).containsExactly("00:00+02:00", "02:00+02:00", "02:00+01:00",
                "04:00+01:00", "06:00+01:00", "08:00+01:00", "10:00+01:00", "12:00+01:00", "14:00+01:00", "16:00+01:00",
                "18:00+01:00", "20:00+01:00", "22:00+01:00");
    }

    @Test
    void timesOfDayFireOnceOnBothChangeDays() throws Exception {
        String nightly = "{\"preset\":\"daily\",\"times\":[\"02:30\",\"09:00\"],\"timezone\":\"Europe/Berlin\"}";
        assertThat(firesOn(nightly, "2026-03-29")).containsExactly("03:30+02:00", "09:00+02:00");
        assertThat(firesOn(nightly, "2026-10-25")).containsExactly("02:30+02:00", "09:00+01:00");

        String weekly = "{\"preset\":\"weekly\",\"daysOfWeek\":[\"SUN\"],\"times\":[\"02:15\"],\"timezone\":\"Europe/Berlin\"}";
        assertThat(firesOn(weekly, "2026-03-29")).containsExactly("03:15+02:00");
        assertThat(firesOn(weekly, "2026-10-25")).containsExactly("02:15+02:00");

        String monthly = "{\"preset\":\"monthly\",\"daysOfMonth\":[25,29],\"times\":[\"02:30\"],\"timezone\":\"Europe/Berlin\"}";
        assertThat(firesOn(monthly, "2026-03-29")).containsExactly("03:30+02:00");
        assertThat(firesOn(monthly, "2026-10-25")).containsExactly("02:30+02:00");
    }

    @Test
    void windowsCountLocalTime() throws Exception {
        String office = "{\"preset\":\"hourly\",\"window\":{\"from\":\"01:00\",\"to\":\"04:00\"},\"timezone\":\"Europe/Berlin\"}";
        assertThat(firesOn(office, "2026-03-29")).containsExactly("01:00+01:00", "03:00+02:00", "04:00+02:00");
        assertThat(firesOn(office, "2026-10-25")).containsExactly("01:00+02:00", "02:00+02:00", "02:00+01:00",
                "03:00+01:00", "04:00+01:00");
    }
}
