package io.rowflow.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.FieldError;
import io.rowflow.pipeline.ColumnType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Filter conditions read into their records and compiled to SQL, op by op, with the exact SQL and the exact errors
 * (field and words). The clock is {@link TransformTest#BERLIN}: Thursday 2026-03-26 23:30 UTC, Friday the 27th in
 * Berlin, so today is 2026-03-27, the week began on Monday the 23rd, and a day starts at 23:00 UTC the day before.
 */
class ConditionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String STEP = "transform.steps[2]";
    static final Relation INPUT = new Relation("v", List.of(new Relation.Col("name", ColumnType.STRING),
            new Relation.Col("amount", ColumnType.DECIMAL), new Relation.Col("signed", ColumnType.DATE),
            new Relation.Col("seen", ColumnType.TIMESTAMP), new Relation.Col("ok", ColumnType.BOOLEAN)));

    /** The WHERE clause of a filter step with this condition, over {@link #INPUT}. */
    static String where(String condition) throws Exception {
        return filter(condition).select(INPUT, TransformTest.BERLIN, STEP).substring("SELECT * FROM v WHERE ".length());
    }

    static FilterStep filter(String condition) throws Exception {
        return (FilterStep) Step.read(JSON.readTree("{\"type\": \"filter\", \"where\": " + condition + "}"), STEP);
    }

    /** The errors of a filter step with this condition: read, then compiled over {@link #INPUT}. */
    static List<FieldError> errors(String condition) {
        try {
            where(condition);
        } catch (TransformException e) {
            return e.fieldErrors();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no error for " + condition);
    }

    static FieldError error(String field, String message) {
        return new FieldError(STEP + ".where" + field, message);
    }

    @Test
    void equalityComparesTextNumbersBooleansDaysAndMoments() throws Exception {
        assertThat(where("{\"column\": \"name\", \"op\": \"equals\", \"value\": \"Ann\"}")).isEqualTo("(\"name\" = 'Ann')");
        assertThat(where("{\"column\": \"name\", \"op\": \"equals\", \"value\": \"K'n\", \"ignoreCase\": true}"))
                .isEqualTo("(lower(\"name\") = lower('K''n'))");
        // A number given as text stays exact; not_equals keeps the empty values.
        assertThat(where("{\"column\": \"amount\", \"op\": \"not_equals\", \"value\": \"10.50\"}"))
                .isEqualTo("(\"amount\" IS NULL OR NOT (\"amount\" = 10.50))");
        assertThat(where("{\"column\": \"ok\", \"op\": \"equals\", \"value\": true}")).isEqualTo("(\"ok\" = true)");
        assertThat(where("{\"column\": \"signed\", \"op\": \"equals\", \"value\": \"2026-03-01\"}"))
                .isEqualTo("(\"signed\" = DATE '2026-03-01')");
        // A day, for a timestamp: the whole day in the flow's zone; a moment with an offset: that moment.
        assertThat(where("{\"column\": \"seen\", \"op\": \"equals\", \"value\": \"2026-03-01\"}")).isEqualTo(
                "((\"seen\" >= TIMESTAMP '2026-02-28T23:00' AND \"seen\" < TIMESTAMP '2026-03-01T23:00'))");
        assertThat(where("{\"column\": \"seen\", \"op\": \"equals\", \"value\": \"2026-03-01T14:00:00+02:00\"}"))
                .isEqualTo("(\"seen\" = TIMESTAMP '2026-03-01T12:00')");
    }

    @Test
    void emptinessAndTextMatches() throws Exception {
        assertThat(where("{\"column\": \"amount\", \"op\": \"is_empty\"}"))
                .isEqualTo("((\"amount\" IS NULL OR CAST(\"amount\" AS VARCHAR) = ''))");
        assertThat(where("{\"column\": \"name\", \"op\": \"is_not_empty\"}"))
                .isEqualTo("((\"name\" IS NOT NULL AND CAST(\"name\" AS VARCHAR) <> ''))");
        // LIKE's wildcards and its escape character are matched as themselves.
        assertThat(where("{\"column\": \"name\", \"op\": \"contains\", \"value\": \"0%_\\\\\"}"))
                .isEqualTo("(\"name\" LIKE '%' || '0\\%\\_\\\\' || '%' ESCAPE '\\')");
        assertThat(where("{\"column\": \"name\", \"op\": \"not_contains\", \"value\": \"a\", \"ignoreCase\": true}"))
                .isEqualTo("(\"name\" IS NULL OR NOT (lower(\"name\") LIKE '%' || lower('a') || '%' ESCAPE '\\'))");
        assertThat(where("{\"column\": \"name\", \"op\": \"starts_with\", \"value\": \"K\"}"))
                .isEqualTo("(starts_with(\"name\", 'K'))");
        assertThat(where("{\"column\": \"name\", \"op\": \"ends_with\", \"value\": \"n\", \"ignoreCase\": true}"))
                .isEqualTo("(ends_with(lower(\"name\"), lower('n')))");
        assertThat(where("{\"column\": \"name\", \"op\": \"matches\", \"value\": \"^[a-d]\", \"ignoreCase\": true}"))
                .isEqualTo("(regexp_matches(CAST(\"name\" AS VARCHAR), '^[a-d]', 'i'))");
    }

    @Test
    void listsComparisonsAndRanges() throws Exception {
        assertThat(where("{\"column\": \"name\", \"op\": \"in\", \"values\": [\"a\", 1]}"))
                .isEqualTo("(\"name\" IN ('a', '1'))");
        assertThat(where("{\"column\": \"amount\", \"op\": \"not_in\", \"values\": [1, \"2.50\"]}"))
                .isEqualTo("(\"amount\" IS NULL OR NOT (\"amount\" IN (1, 2.50)))");
        assertThat(where("{\"column\": \"amount\", \"op\": \"gt\", \"value\": 100}")).isEqualTo("(\"amount\" > 100)");
        assertThat(where("{\"column\": \"amount\", \"op\": \"gte\", \"value\": 1}")).isEqualTo("(\"amount\" >= 1)");
        assertThat(where("{\"column\": \"amount\", \"op\": \"lt\", \"value\": -1}")).isEqualTo("(\"amount\" < -1)");
        assertThat(where("{\"column\": \"amount\", \"op\": \"lte\", \"value\": \" 0 \"}")).isEqualTo("(\"amount\" <= 0)");
        assertThat(where("{\"column\": \"amount\", \"op\": \"between\", \"from\": -10, \"to\": 0}"))
                .isEqualTo("((\"amount\" BETWEEN -10 AND 0))");
        // Days inclusive: up to the start of the day after the last.
        assertThat(where("{\"column\": \"signed\", \"op\": \"between\", \"from\": \"2026-03-01\", \"to\": \"2026-03-31\"}"))
                .isEqualTo("((\"signed\" >= DATE '2026-03-01' AND \"signed\" < DATE '2026-04-01'))");
    }

    @Test
    void datesBeforeAfterAndRelativeToToday() throws Exception {
        assertThat(where("{\"column\": \"signed\", \"op\": \"before\", \"value\": \"2026-03-01\"}"))
                .isEqualTo("(\"signed\" < DATE '2026-03-01')");
        assertThat(where("{\"column\": \"signed\", \"op\": \"after\", \"value\": \"2026-03-01\"}"))
                .isEqualTo("(\"signed\" >= DATE '2026-03-02')");
        assertThat(where("{\"column\": \"seen\", \"op\": \"after\", \"value\": \"2026-03-01T14:00:00Z\"}"))
                .isEqualTo("(\"seen\" >= TIMESTAMP '2026-03-01T14:00')");
        // A moment without an offset is in the flow's zone.
        assertThat(where("{\"column\": \"seen\", \"op\": \"before\", \"value\": \"2026-03-01T14:00:00\"}"))
                .isEqualTo("(\"seen\" < TIMESTAMP '2026-03-01T13:00')");
        String[][] windows = {
                { "today", "2026-03-27", "2026-03-28" }, { "yesterday", "2026-03-26", "2026-03-27" },
                { "this_week", "2026-03-23", "2026-03-30" }, { "last_week", "2026-03-16", "2026-03-23" },
                { "this_month", "2026-03-01", "2026-04-01" }, { "last_month", "2026-02-01", "2026-03-01" },
                { "this_quarter", "2026-01-01", "2026-04-01" }, { "last_quarter", "2025-10-01", "2026-01-01" },
                { "this_year", "2026-01-01", "2027-01-01" }, { "last_year", "2025-01-01", "2026-01-01" } };
        for (String[] window : windows) {
            assertThat(where("{\"column\": \"signed\", \"op\": \"" + window[0] + "\"}")).as(window[0]).isEqualTo(
                    "((\"signed\" >= DATE '" + window[1] + "' AND \"signed\" < DATE '" + window[2] + "'))");
        }
        assertThat(where("{\"column\": \"seen\", \"op\": \"today\"}"))
                .isEqualTo("((\"seen\" >= TIMESTAMP '2026-03-26T23:00' AND \"seen\" < TIMESTAMP '2026-03-27T23:00'))");
        assertThat(where("{\"column\": \"signed\", \"op\": \"last_days\", \"days\": 8}"))
                .isEqualTo("((\"signed\" >= DATE '2026-03-20' AND \"signed\" < DATE '2026-03-28'))");
    }

    @Test
    void groupsNest() throws Exception {
        assertThat(where("{\"any\": [{\"column\": \"amount\", \"op\": \"gt\", \"value\": 5}, {\"all\": [{\"column\":"
                + " \"name\", \"op\": \"is_not_empty\"}, {\"column\": \"ok\", \"op\": \"equals\", \"value\": false}]}]}"))
                .isEqualTo("((\"amount\" > 5) OR (((\"name\" IS NOT NULL AND CAST(\"name\" AS VARCHAR) <> '')) AND"
                        + " (\"ok\" = false)))");
        // "all" wins over "any" in one object, as it always did.
        assertThat(filter("{\"all\": [{\"column\": \"a\", \"op\": \"is_empty\"}], \"any\": []}").where())
                .isInstanceOf(Condition.All.class);
    }

    @Test
    void everyOperatorReadsIntoItsRecordAndWritesBackTheSame() throws Exception {
        List<String> conditions = List.of(
                "{\"column\": \"a\", \"op\": \"equals\", \"value\": 1}",
                "{\"column\": \"a\", \"op\": \"not_equals\", \"value\": \"x\", \"ignoreCase\": false}",
                "{\"column\": \"a\", \"op\": \"is_empty\"}",
                "{\"column\": \"a\", \"op\": \"matches\", \"value\": \"^x\"}",
                "{\"column\": \"a\", \"op\": \"not_in\", \"values\": [1, \"2\", true]}",
                "{\"column\": \"a\", \"op\": \"lte\", \"value\": 2.5}",
                "{\"column\": \"a\", \"op\": \"between\", \"from\": \"2026-01-01\", \"to\": 3}",
                "{\"column\": \"a\", \"op\": \"after\", \"value\": \"2026-01-01\"}",
                "{\"column\": \"a\", \"op\": \"last_quarter\"}",
                "{\"column\": \"a\", \"op\": \"last_days\", \"days\": 7}",
                "{\"any\": [{\"all\": [{\"column\": \"a\", \"op\": \"today\"}]}]}");
        List<Class<?>> records = List.of(ColumnTest.Equality.class, ColumnTest.Equality.class, ColumnTest.Emptiness.class,
                ColumnTest.TextMatch.class, ColumnTest.InList.class, ColumnTest.Comparison.class, ColumnTest.Range.class,
                ColumnTest.DateComparison.class, ColumnTest.RelativeDate.class, ColumnTest.LastDays.class,
                Condition.Any.class);
        for (int i = 0; i < conditions.size(); i++) {
            Condition condition = filter(conditions.get(i)).where();
            assertThat(condition).as(conditions.get(i)).isInstanceOf(records.get(i));
            assertThat(JSON.readTree(JSON.writeValueAsString(condition))).isEqualTo(JSON.readTree(conditions.get(i)));
        }
    }

    @Test
    void eachKindOfColumnTakesTheOperatorsItAlwaysTook() {
        assertThat(Filters.operatorsFor(Filters.Kind.TEXT)).containsExactlyInAnyOrder("equals", "not_equals", "contains",
                "not_contains", "starts_with", "ends_with", "matches", "in", "not_in", "is_empty", "is_not_empty");
        assertThat(Filters.operatorsFor(Filters.Kind.NUMBER)).containsExactlyInAnyOrder("equals", "not_equals", "gt", "gte",
                "lt", "lte", "between", "in", "not_in", "is_empty", "is_not_empty");
        assertThat(Filters.operatorsFor(Filters.Kind.DATE)).containsExactlyInAnyOrder("equals", "not_equals", "before",
                "after", "between", "today", "yesterday", "last_days", "this_week", "last_week", "this_month", "last_month",
                "this_quarter", "last_quarter", "this_year", "last_year", "is_empty", "is_not_empty");
        assertThat(Filters.operatorsFor(Filters.Kind.BOOLEAN)).containsExactlyInAnyOrder("equals", "not_equals",
                "is_empty", "is_not_empty");
    }

    @Test
    void aConditionsFieldsAreRefusedAtTheirPlaceInTheirWords() {
        assertThat(errors("{\"column\": \" \", \"op\": \"gt\", \"value\": 1}"))
                .containsExactly(error(".column", "required"));
        assertThat(errors("{\"column\": \"amount\"}")).containsExactly(error(".op", "required"));
        assertThat(errors("{\"column\": \"amount\", \"op\": \"resembles\"}")).containsExactly(error(".op",
                "unknown operator \"resembles\"; the operators are after, before, between, contains, ends_with, equals, gt,"
                        + " gte, in, is_empty, is_not_empty, last_days, last_month, last_quarter, last_week, last_year, lt,"
                        + " lte, matches, not_contains, not_equals, not_in, starts_with, this_month, this_quarter,"
                        + " this_week, this_year, today, yesterday"));
        // Everything a test lacks at once, in the order of the fields.
        assertThat(errors("{\"column\": \"\", \"op\": \"between\"}")).containsExactly(error(".column", "required"),
                error(".from", "a value is required"), error(".to", "a value is required"));
        assertThat(errors("{\"column\": \"amount\", \"op\": \"gt\", \"value\": [1]}"))
                .containsExactly(error(".value", "one value: text, a number, or true or false"));
        assertThat(errors("{\"column\": \"name\", \"op\": \"contains\", \"value\": \"\"}"))
                .containsExactly(error(".value", "a value is required"));
        assertThat(errors("{\"column\": \"name\", \"op\": \"ends_with\", \"value\": \"x\", \"ignoreCase\": \"maybe\"}"))
                .containsExactly(error(".ignoreCase", "true or false"));
    }

    @Test
    void listsAndDaysAreRefusedInTheirWords() {
        assertThat(errors("{\"column\": \"name\", \"op\": \"in\", \"values\": []}"))
                .containsExactly(error(".values", "list the values to look for"));
        assertThat(errors("{\"column\": \"name\", \"op\": \"in\", \"values\": \"a\"}"))
                .containsExactly(error(".values", "list the values to look for"));
        assertThat(errors("{\"column\": \"name\", \"op\": \"in\", \"values\": [\"a\", null]}"))
                .containsExactly(error(".values[1]", "a value is required"));
        assertThat(errors("{\"column\": \"name\", \"op\": \"in\", \"values\": [\"a\", {}]}"))
                .containsExactly(error(".values[1]", "one value: text, a number, or true or false"));
        for (String days : List.of("0", "\"8\"", "null", "[8]")) {
            assertThat(errors("{\"column\": \"signed\", \"op\": \"last_days\", \"days\": " + days + "}")).as(days)
                    .containsExactly(error(".days", "a whole number of days, 1 or more"));
        }
    }

    @Test
    void groupsAreRefusedAtTheirPlace() {
        String shape = "a condition is an object: {\"column\": …, \"op\": …, \"value\": …}, or a group {\"all\": […]} /"
                + " {\"any\": […]}";
        assertThat(errors("null")).containsExactly(error("", shape));
        assertThat(errors("\"amount > 1\"")).containsExactly(error("", shape));
        assertThat(errors("{\"all\": []}")).containsExactly(error(".all", "a group lists at least one condition"));
        assertThat(errors("{\"any\": {}}")).containsExactly(error(".any", "a group lists at least one condition"));
        assertThat(errors("{\"any\": [5]}")).containsExactly(error(".any[0]", shape));
        assertThat(errors("{\"all\": [null]}")).containsExactly(error(".all[0]", shape));
        assertThat(errors("{\"all\": [{\"column\": \"amount\", \"op\": \"gt\", \"value\": 1}, {\"any\": [{\"column\": \"\","
                + " \"op\": \"is_empty\"}]}]}")).containsExactly(error(".all[1].any[0].column", "required"));
    }

    @Test
    void whatNeedsTheColumnsIsRefusedOnceTheyAreKnown() {
        assertThat(errors("{\"column\": \"amout\", \"op\": \"gt\", \"value\": 1}")).containsExactly(error(".column",
                "no column \"amout\" here; the columns are \"name\", \"amount\", \"signed\", \"seen\", \"ok\""));
        assertThat(errors("{\"column\": \"amount\", \"op\": \"contains\", \"value\": \"1\"}")).containsExactly(error(".op",
                "\"contains\" does not apply to the decimal column \"amount\"; it takes between, equals, gt, gte, in,"
                        + " is_empty, is_not_empty, lt, lte, not_equals, not_in"));
        assertThat(errors("{\"column\": \"ok\", \"op\": \"today\"}")).containsExactly(error(".op",
                "\"today\" does not apply to the boolean column \"ok\"; it takes equals, is_empty, is_not_empty, not_equals"));
        assertThat(errors("{\"column\": \"amount\", \"op\": \"gt\", \"value\": \"lots\"}"))
                .containsExactly(error(".value", "\"lots\" is not a number"));
        assertThat(errors("{\"column\": \"amount\", \"op\": \"in\", \"values\": [1, \"x\"]}"))
                .containsExactly(error(".values[1]", "\"x\" is not a number"));
        assertThat(errors("{\"column\": \"ok\", \"op\": \"equals\", \"value\": \"yes\"}"))
                .containsExactly(error(".value", "true or false"));
        assertThat(errors("{\"column\": \"signed\", \"op\": \"equals\", \"value\": \"\"}"))
                .containsExactly(error(".value", "a value is required"));
        assertThat(errors("{\"column\": \"name\", \"op\": \"matches\", \"value\": \"(a\"}"))
                .containsExactly(error(".value", "not a valid regular expression: Unclosed group near position 3"));
        assertThat(errors("{\"column\": \"signed\", \"op\": \"before\", \"value\": \"2026-03-01T10:00\"}"))
                .containsExactly(error(".value", "\"2026-03-01T10:00\" has a time of day; the column holds dates (write"
                        + " 2026-03-01)"));
        assertThat(errors("{\"column\": \"seen\", \"op\": \"between\", \"from\": \"2026-03-01\", \"to\": \"soon\"}"))
                .containsExactly(error(".to", "\"soon\" is not a date (2026-03-31) or a date and time (2026-03-31T14:00:00,"
                        + " or with an offset: 2026-03-31T14:00:00Z)"));
    }

    @Test
    void withoutTheColumnsOnlyTheTestsOwnFieldsAreChecked() throws Exception {
        Relation unknown = new Relation("input", null);
        assertThat(filter("{\"column\": \"anything\", \"op\": \"contains\", \"value\": \"x\"}")
                .select(unknown, TransformTest.BERLIN, STEP)).isEqualTo("SELECT * FROM input WHERE (\"anything\" LIKE '%'"
                        + " || 'x' || '%' ESCAPE '\\')");
        assertThatThrownBy(() -> filter("{\"column\": \"a\", \"op\": \"matches\", \"value\": \"[\"}")
                .select(unknown, TransformTest.BERLIN, STEP)).isInstanceOf(TransformException.class)
                .hasMessageStartingWith(STEP + ".where.value: not a valid regular expression");
    }
}
