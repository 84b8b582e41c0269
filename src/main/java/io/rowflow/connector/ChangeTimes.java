package io.rowflow.connector;

import io.rowflow.common.error.DataException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/**
 * Reads the change time of a record as APIs write it: ISO-8601 with an offset ({@code Z}, {@code +01:00}, or Jira's
 * {@code +0000} without a colon), epoch milliseconds (as a number or digits), or a date alone (midnight UTC).
 */
public final class ChangeTimes {
    private static final DateTimeFormatter OFFSET_WITHOUT_COLON = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME).appendOffset("+HHMM", "Z").toFormatter();

    private ChangeTimes() {
    }

    /** The instant, or null for a record without one; a value that is no time at all is a clear error. */
    public static Instant parse(Object value) {
        if (value == null || (value instanceof String text && text.isBlank())) {
            return null;
        }
        if (value instanceof Number number) {
            return Instant.ofEpochMilli(number.longValue());
        }
        String text = value.toString().strip();
        if (text.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(text));
        }
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notIso) {
            try {
                return OffsetDateTime.parse(text, OFFSET_WITHOUT_COLON).toInstant();
            } catch (DateTimeParseException e) {
                throw new DataException("The change time \"" + text + "\" is not a date and time Rowflow can read");
            }
        }
    }

    /**
     * The instant as an API's filter wants it: a java.time pattern in a zone, epoch_millis, epoch_seconds (Unix time,
     * as Stripe's created[gte] and Slack's oldest take it), or ISO-8601 (null).
     */
    public static String format(Instant instant, String pattern, java.time.ZoneId zone) {
        if (pattern == null || pattern.isBlank()) {
            return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        }
        if (pattern.equals("epoch_millis")) {
            return Long.toString(instant.toEpochMilli());
        }
        if (pattern.equals("epoch_seconds")) {
            return Long.toString(instant.getEpochSecond());
        }
        return DateTimeFormatter.ofPattern(pattern).withZone(zone).format(instant);
    }
}
