package io.rowflow.transform;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/**
 * The moment a run (or preview) takes as "now", and the flow's time zone: relative date filters, date macros and the
 * TODAY() / NOW() functions all read it, so a run sees one consistent today from its first step to its last.
 */
public record TransformClock(Instant now, ZoneId zone) {
    public LocalDate today() {
        return now.atZone(zone).toLocalDate();
    }

    /** The start of a local day as the UTC wall time that staged timestamps use. */
    public LocalDateTime utcStartOf(LocalDate day) {
        return LocalDateTime.ofInstant(day.atStartOfDay(zone).toInstant(), ZoneOffset.UTC);
    }

    public LocalDate startOfWeek() {
        return today().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    public LocalDate startOfMonth() {
        return today().withDayOfMonth(1);
    }

    public LocalDate startOfQuarter() {
        LocalDate today = today();
        return today.with(IsoFields.DAY_OF_QUARTER, 1);
    }

    public LocalDate startOfYear() {
        return today().withDayOfYear(1);
    }

    /** TODAY() as SQL. */
    public String todaySql() {
        return "DATE '" + today() + "'";
    }

    /** NOW() as SQL: the run's instant as a UTC timestamp, like every staged timestamp. */
    public String nowSql() {
        return "TIMESTAMP '" + LocalDateTime.ofInstant(now, ZoneOffset.UTC) + "'";
    }
}
