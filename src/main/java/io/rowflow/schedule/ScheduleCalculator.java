package io.rowflow.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.FieldError;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeSet;
import org.quartz.CronExpression;

/**
 * Validates schedules and computes their fire times, with a daylight-saving policy stated once:
 * <ul>
 * <li>Interval presets (every 15 or 30 minutes, hourly, every N hours) fire at the wall-clock slots of the zone that
 * exist: a slot in the hour skipped in spring does not fire, and a slot in the hour repeated in autumn fires at both
 * instants. So on every day they fire at the chosen interval of real time.</li>
 * <li>Times of day (daily, weekly, monthly) fire once per day: a time skipped in spring fires later by the length of
 * the gap (02:30 becomes 03:30), a time repeated in autumn fires at its first occurrence.</li>
 * <li>Cron expressions follow Quartz's own rules in the zone.</li>
 * </ul>
 */
public final class ScheduleCalculator {
    static final Set<String> PRESETS = Set.of("every_15_minutes", "every_30_minutes", "hourly", "every_n_hours", "daily",
            "weekly", "monthly", "cron");
    private static final int MAX_DAYS_SCANNED = 800;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ScheduleCalculator() {
    }

    /** Reads a stored or submitted schedule; null when there is none. */
    public static Schedule parse(JsonNode node) {
        if (node == null || node.isNull() || node.isEmpty()) {
            return null;
        }
        return MAPPER.convertValue(node, Schedule.class);
    }

    /** Every problem of the schedule, each with its field path under {@code prefix}. */
    public static List<FieldError> errors(JsonNode node, String prefix) {
        List<FieldError> errors = new ArrayList<>();
        Schedule schedule;
        try {
            schedule = parse(node);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(prefix, "not a schedule: " + rootMessage(e)));
            return errors;
        }
        if (schedule == null) {
            return errors;
        }
        String preset = schedule.preset();
        if (preset == null || !PRESETS.contains(preset)) {
            errors.add(new FieldError(prefix + ".preset", "must be one of " + new TreeSet<>(PRESETS)));
            return errors;
        }
        if (schedule.timezone() != null) {
            try {
                ZoneId.of(schedule.timezone());
            } catch (DateTimeException e) {
                errors.add(new FieldError(prefix + ".timezone", "unknown time zone \"" + schedule.timezone()
                        + "\"; use an IANA name such as Europe/Berlin"));
            }
        }
        List<String> times = schedule.times() == null ? List.of() : schedule.times();
        for (int i = 0; i < times.size(); i++) {
            if (time(times.get(i)) == null) {
                errors.add(new FieldError(prefix + ".times[" + i + "]", "not a time of day (HH:mm): \"" + times.get(i) + "\""));
            }
        }
        List<String> days = schedule.daysOfWeek() == null ? List.of() : schedule.daysOfWeek();
        for (int i = 0; i < days.size(); i++) {
            if (day(days.get(i)) == null) {
                errors.add(new FieldError(prefix + ".daysOfWeek[" + i + "]", "not a day of the week (MON…SUN): \""
                        + days.get(i) + "\""));
            }
        }
        switch (preset) {
            case "every_n_hours" -> {
                if (schedule.hours() == null || schedule.hours() < 1 || schedule.hours() > 23) {
                    errors.add(new FieldError(prefix + ".hours", "every_n_hours needs hours from 1 to 23"));
                }
            }
            case "daily", "weekly", "monthly" -> {
                if (times.isEmpty()) {
                    errors.add(new FieldError(prefix + ".times", preset + " needs at least one time of day"));
                }
                if (preset.equals("weekly") && days.isEmpty()) {
                    errors.add(new FieldError(prefix + ".daysOfWeek", "weekly needs at least one day"));
                }
                if (preset.equals("monthly")) {
                    List<Integer> dates = schedule.daysOfMonth() == null ? List.of() : schedule.daysOfMonth();
                    if (dates.isEmpty()) {
                        errors.add(new FieldError(prefix + ".daysOfMonth", "monthly needs at least one day of the month"));
                    }
                    for (int i = 0; i < dates.size(); i++) {
                        Integer d = dates.get(i);
                        if (d == null || d == 0 || d < -1 || d > 31) {
                            errors.add(new FieldError(prefix + ".daysOfMonth[" + i + "]", "must be 1 to 31, or -1 for the last day"));
                        }
                    }
                }
            }
            case "cron" -> {
                if (schedule.cron() == null || schedule.cron().isBlank()) {
                    errors.add(new FieldError(prefix + ".cron", "cron needs an expression, e.g. \"0 0/20 8-17 ? * MON-FRI\""));
                } else {
                    try {
                        CronExpression.validateExpression(schedule.cron());
                    } catch (ParseException e) {
                        errors.add(new FieldError(prefix + ".cron", "not a valid Quartz cron expression: " + e.getMessage()));
                    }
                }
            }
            default -> {
            }
        }
        if (schedule.window() != null) {
            LocalTime from = time(schedule.window().from());
            LocalTime to = time(schedule.window().to());
            if (from == null) {
                errors.add(new FieldError(prefix + ".window.from", "not a time of day (HH:mm)"));
            }
            if (to == null) {
                errors.add(new FieldError(prefix + ".window.to", "not a time of day (HH:mm)"));
            }
            if (from != null && to != null && to.isBefore(from)) {
                errors.add(new FieldError(prefix + ".window.to", "must not be before window.from"));
            }
            if (!isInterval(preset)) {
                errors.add(new FieldError(prefix + ".window", "a window applies to the interval presets only"));
            }
        }
        return errors;
    }

    /** The next {@code count} fire times strictly after {@code after}, in the schedule's zone; none when paused. */
    public static List<ZonedDateTime> next(Schedule schedule, Instant after, int count) {
        List<ZonedDateTime> result = new ArrayList<>();
        if (schedule == null || schedule.isPaused() || count <= 0) {
            return result;
        }
        ZoneId zone = schedule.timezone() == null ? ZoneOffset.UTC : ZoneId.of(schedule.timezone());
        if (schedule.preset().equals("cron")) {
            return cron(schedule.cron(), zone, after, count);
        }
        LocalDate day = after.atZone(zone).toLocalDate();
        for (int scanned = 0; scanned < MAX_DAYS_SCANNED && result.size() < count; scanned++, day = day.plusDays(1)) {
            for (ZonedDateTime fire : firesOn(schedule, zone, day)) {
                if (fire.toInstant().isAfter(after) && result.size() < count) {
                    result.add(fire);
                }
            }
        }
        return result;
    }

    /** The fire times of one local day, in order. */
    static List<ZonedDateTime> firesOn(Schedule schedule, ZoneId zone, LocalDate day) {
        List<ZonedDateTime> fires = new ArrayList<>();
        String preset = schedule.preset();
        Set<DayOfWeek> days = new TreeSet<>();
        if (schedule.daysOfWeek() != null) {
            schedule.daysOfWeek().forEach(d -> days.add(day(d)));
        }
        if (isInterval(preset)) {
            if (!days.isEmpty() && !days.contains(day.getDayOfWeek())) {
                return fires;
            }
            int step = switch (preset) {
                case "every_15_minutes" -> 15;
                case "every_30_minutes" -> 30;
                case "hourly" -> 60;
                default -> schedule.hours() * 60;
            };
            LocalTime from = schedule.window() == null ? LocalTime.MIN : time(schedule.window().from());
            LocalTime to = schedule.window() == null ? LocalTime.MAX : time(schedule.window().to());
            for (int minute = 0; minute < 24 * 60; minute += step) {
                LocalTime slot = LocalTime.of(minute / 60, minute % 60);
                if (slot.isBefore(from) || slot.isAfter(to)) {
                    continue;
                }
                LocalDateTime local = day.atTime(slot);
                // 0 offsets: skipped by a spring change; 2: repeated by an autumn change, both real instants.
                zone.getRules().getValidOffsets(local).forEach(offset -> fires.add(ZonedDateTime.ofStrict(local, offset, zone)));
            }
            // In a repeated hour the wall-clock order is not the order of real time.
            fires.sort(Comparator.comparing(ZonedDateTime::toInstant));
            return fires;
        }
        boolean runsToday = switch (preset) {
            case "daily" -> true;
            case "weekly" -> days.contains(day.getDayOfWeek());
            case "monthly" -> schedule.daysOfMonth().stream().anyMatch(d -> matchesDayOfMonth(d, day));
            default -> false;
        };
        if (!runsToday) {
            return fires;
        }
        new TreeSet<>(schedule.times().stream().map(ScheduleCalculator::time).toList())
                .forEach(time -> fires.add(ZonedDateTime.of(day.atTime(time), zone)));
        return fires;
    }

    private static boolean matchesDayOfMonth(int wanted, LocalDate day) {
        int last = day.lengthOfMonth();
        return wanted == -1 || wanted > last ? day.getDayOfMonth() == last : day.getDayOfMonth() == wanted;
    }

    private static List<ZonedDateTime> cron(String expression, ZoneId zone, Instant after, int count) {
        List<ZonedDateTime> fires = new ArrayList<>();
        try {
            CronExpression cron = new CronExpression(expression);
            cron.setTimeZone(TimeZone.getTimeZone(zone));
            Date next = Date.from(after);
            while (fires.size() < count && (next = cron.getNextValidTimeAfter(next)) != null) {
                fires.add(next.toInstant().atZone(zone));
            }
        } catch (ParseException e) {
            throw new IllegalArgumentException("Invalid cron expression", e);
        }
        return fires;
    }

    static boolean isInterval(String preset) {
        return Set.of("every_15_minutes", "every_30_minutes", "hourly", "every_n_hours").contains(preset);
    }

    static LocalTime time(String text) {
        if (text == null) {
            return null;
        }
        try {
            return LocalTime.parse(text.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static DayOfWeek day(String text) {
        if (text == null) {
            return null;
        }
        String upper = text.strip().toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().startsWith(upper) && upper.length() >= 3) {
                return day;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int cut = message.indexOf(" (");
        return cut > 0 ? message.substring(0, cut) : message;
    }
}
