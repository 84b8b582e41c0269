package io.rowflow.schedule;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The next fire times of a schedule, as instants and as local times in its zone. */
public record NextFires(String timezone, boolean paused, List<Fire> next) {
    public record Fire(Instant at, String local) {
        static Fire of(ZonedDateTime time) {
            return new Fire(time.toInstant(), time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        }
    }

    public static NextFires of(Schedule schedule, Instant after, int count) {
        if (schedule == null) {
            return new NextFires(null, false, List.of());
        }
        return new NextFires(schedule.timezone() == null ? "UTC" : schedule.timezone(), schedule.isPaused(),
                ScheduleCalculator.next(schedule, after, count).stream().map(Fire::of).toList());
    }
}
