package io.rowflow.transform;

import io.rowflow.pipeline.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the filter tests ({@link ColumnTest}) share: which operators each kind of column takes, and the SQL of text
 * compared with or without case, numbers, and dates or moments in the flow's zone. An empty value (null) matches only
 * {@code is_empty} and the negative tests; every other test is false for it.
 */
final class Filters {
    private Filters() {
    }

    /** What a column holds, as far as the tests go: each test applies to some kinds (see docs/flows.md). */
    enum Kind {
        TEXT, NUMBER, DATE, BOOLEAN;

        /** The kind of a column's type; null while the type is unknown (a flow checked before it is saved). */
        static Kind of(ColumnType type) {
            return type == null ? null : switch (type) {
                case INTEGER, DECIMAL -> NUMBER;
                case DATE, TIMESTAMP -> DATE;
                case BOOLEAN -> BOOLEAN;
                default -> TEXT;
            };
        }
    }

    /** A test's record, the operators it is read for, and the kinds of column those apply to. */
    private record Family(Class<? extends ColumnTest> record, List<ColumnTest.Operator> operators, Set<Kind> kinds) {
        Family(Class<? extends ColumnTest> record, ColumnTest.Operator[] operators, Set<Kind> kinds) {
            this(record, List.of(operators), kinds);
        }
    }

    private static final List<Family> FAMILIES = List.of(
            new Family(ColumnTest.Equality.class, ColumnTest.Equality.Op.values(), EnumSet.allOf(Kind.class)),
            new Family(ColumnTest.Emptiness.class, ColumnTest.Emptiness.Op.values(), EnumSet.allOf(Kind.class)),
            new Family(ColumnTest.TextMatch.class, ColumnTest.TextMatch.Op.values(), EnumSet.of(Kind.TEXT)),
            new Family(ColumnTest.InList.class, ColumnTest.InList.Op.values(), EnumSet.of(Kind.TEXT, Kind.NUMBER)),
            new Family(ColumnTest.Comparison.class, ColumnTest.Comparison.Op.values(), EnumSet.of(Kind.NUMBER)),
            new Family(ColumnTest.Range.class, ColumnTest.Range.Op.values(), EnumSet.of(Kind.NUMBER, Kind.DATE)),
            new Family(ColumnTest.DateComparison.class, ColumnTest.DateComparison.Op.values(), EnumSet.of(Kind.DATE)),
            new Family(ColumnTest.RelativeDate.class, ColumnTest.RelativeDate.Op.values(), EnumSet.of(Kind.DATE)),
            new Family(ColumnTest.LastDays.class, ColumnTest.LastDays.Op.values(), EnumSet.of(Kind.DATE)));

    /** The record each operator is read into ({@link Condition.Reader}). */
    static final Map<String, Class<? extends ColumnTest>> RECORDS = FAMILIES.stream()
            .flatMap(f -> f.operators().stream().map(op -> Map.entry(op.name(), f.record())))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    private static final Map<Class<? extends ColumnTest>, Set<Kind>> KINDS = FAMILIES.stream()
            .collect(Collectors.toUnmodifiableMap(Family::record, Family::kinds));

    static boolean applies(ColumnTest test, Kind kind) {
        return KINDS.get(test.getClass()).contains(kind);
    }

    /** The operators a kind of column takes, in alphabetical order. */
    static List<String> operatorsFor(Kind kind) {
        return FAMILIES.stream().filter(f -> f.kinds().contains(kind)).flatMap(f -> f.operators().stream())
                .map(ColumnTest.Operator::name).sorted().toList();
    }

    /** Every operator, in alphabetical order. */
    static List<String> operators() {
        return RECORDS.keySet().stream().sorted().toList();
    }

    /** A column or a text as text, in lower case when case is ignored. */
    static String fold(String sql, boolean ignoreCase, ColumnType type) {
        String text = type == null || type == ColumnType.STRING || type == ColumnType.JSON ? sql : "CAST(" + sql + " AS VARCHAR)";
        return ignoreCase ? "lower(" + text + ")" : text;
    }

    /** A test's value as a number for a number column, as a text literal for any other. */
    static String scalar(Operand value, ColumnType type, String path) {
        return Kind.of(type) == Kind.NUMBER ? number(value.text(), path) : Sql.literal(value.text());
    }

    static String number(String text, String path) {
        try {
            return new BigDecimal(text.strip()).toPlainString();
        } catch (NumberFormatException e) {
            throw new TransformException(path, "\"" + text + "\" is not a number");
        }
    }

    /**
     * A date or moment as SQL for comparing with the column: a day's start (or the next day's start, {@code end}) in the
     * flow's zone, for a timestamp column as UTC wall time; a time given with an offset is taken as it is.
     */
    static String dateBound(String text, ColumnType type, TransformClock clock, String path, boolean end) {
        if (type == null) {
            return "NULL";
        }
        try {
            if (text.length() == 10) {
                LocalDate day = LocalDate.parse(text);
                LocalDate bound = end ? day.plusDays(1) : day;
                return type == ColumnType.DATE ? "DATE '" + bound + "'" : "TIMESTAMP '" + clock.utcStartOf(bound) + "'";
            }
            LocalDateTime utc;
            try {
                utc = OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            } catch (DateTimeParseException noOffset) {
                utc = LocalDateTime.ofInstant(LocalDateTime.parse(text).atZone(clock.zone()).toInstant(), ZoneOffset.UTC);
            }
            if (type == ColumnType.DATE) {
                throw new TransformException(path, "\"" + text + "\" has a time of day; the column holds dates (write "
                        + text.substring(0, Math.min(10, text.length())) + ")");
            }
            return "TIMESTAMP '" + utc + "'";
        } catch (DateTimeParseException e) {
            throw new TransformException(path, "\"" + text + "\" is not a date (2026-03-31) or a date and time"
                    + " (2026-03-31T14:00:00, or with an offset: 2026-03-31T14:00:00Z)");
        }
    }

    /** The rows from one local day (included) to another (excluded), in the flow's zone. */
    static String window(String col, ColumnType type, LocalDate from, LocalDate to, TransformClock clock) {
        if (type == ColumnType.DATE) {
            return "(" + col + " >= DATE '" + from + "' AND " + col + " < DATE '" + to + "')";
        }
        return "(" + col + " >= TIMESTAMP '" + clock.utcStartOf(from) + "' AND " + col + " < TIMESTAMP '"
                + clock.utcStartOf(to) + "')";
    }

    static String describe(ColumnType type) {
        return type == null ? "?" : type.id().toLowerCase(Locale.ROOT);
    }
}
