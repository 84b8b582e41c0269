package io.rowflow.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.DataException;
import io.rowflow.flow.FlowRequest;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.pipeline.TextInference;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every transform step, the combine step and the sandbox, in a real DuckDB database: sources are staged as a run stages
 * them, the plan runs as a run runs it, and the result is read back as the destinations read it. The clock is fixed
 * (Thursday 2026-03-26 23:30 UTC, already Friday in Berlin) so that relative dates are exact.
 */
class TransformTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TransformClock BERLIN = new TransformClock(Instant.parse("2026-03-26T23:30:00Z"), ZoneId.of("Europe/Berlin"));

    StagingArea area;
    final List<StagedTable> staged = new ArrayList<>();
    final List<FlowRequest.Source> sources = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        area = StagingArea.open(null, StagingSettings.defaults());
    }

    @AfterEach
    void close() throws Exception {
        area.close();
    }

    static Map<String, Object> row(Object... pairs) {
        return io.rowflow.pipeline.StagingAreaTest.row(pairs);
    }

    /** Stages a source (values as a CSV would give them: text, typed by inference) with its own steps. */
    TransformTest source(String name, String stepsJson, List<Map<String, Object>> rows) throws Exception {
        staged.add(area.stage(TextInference.ALL, sink -> rows.forEach(sink::accept)));
        List<ObjectNode> steps = new ArrayList<>();
        if (stepsJson != null) {
            JSON.readTree(stepsJson).forEach(s -> steps.add((ObjectNode) s));
        }
        sources.add(new FlowRequest.Source(UUID.randomUUID(), null, null, name, steps, null));
        return this;
    }

    record Result(List<String> columns, List<String> types, List<List<Object>> rows) {
        List<Object> column(String name) {
            int i = columns.indexOf(name);
            return rows.stream().map(r -> r.get(i)).toList();
        }
    }

    Result run(String transformJson) throws Exception {
        return run(transformJson, Duration.ofMinutes(1));
    }

    Result run(String transformJson, Duration limit) throws Exception {
        ObjectNode transform = transformJson == null ? null : (ObjectNode) JSON.readTree(transformJson);
        // What is refused when the flow is saved is refused here the same way (a SQL step that can never run).
        List<io.rowflow.common.error.FieldError> refused = TransformPlan.check(sources, transform, BERLIN);
        if (!refused.isEmpty()) {
            throw new TransformException(refused.get(0).field(), refused.get(0).message());
        }
        TransformSession session = TransformSession.over(area.connection(), BERLIN, limit, staged, null);
        StagedTable result = session.materialize(TransformPlan.run(session, sources, transform, null), "rf_result");
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = area.connection().createStatement(); ResultSet rs = s.executeQuery(result.selectAll())) {
            while (rs.next()) {
                Object[] values = new Object[result.columns().size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = result.columns().get(i).type().read(rs, i + 1);
                    values[i] = values[i] == null || values[i] instanceof String || values[i] instanceof Boolean
                            || values[i] instanceof Long || values[i] instanceof Double ? values[i] : values[i].toString();
                }
                rows.add(Arrays.asList(values));
            }
        }
        assertThat(result.rowCount()).isEqualTo(rows.size());
        return new Result(result.columns().stream().map(c -> c.name()).toList(),
                result.columns().stream().map(c -> c.type().id()).toList(), rows);
    }

    Result steps(String stepsJson) throws Exception {
        return run("{\"steps\": " + stepsJson + "}");
    }

    static final List<Map<String, Object>> PEOPLE = List.of(
            row("id", "1", "name", "Ängela", "city", "Köln", "amount", "10.5", "signed", "2026-03-26", "seen", "2026-03-26T22:30:00Z"),
            row("id", "2", "name", "bob", "city", null, "amount", "3", "signed", "2026-03-20", "seen", "2026-03-27T08:00:00Z"),
            row("id", "3", "name", "Chloé", "city", "Berlin", "amount", null, "signed", "2026-02-28", "seen", "2026-03-01T00:00:00Z"),
            row("id", "4", "name", "dan_100%", "city", "köln", "amount", "-7", "signed", "2025-12-31", "seen", "2025-12-31T23:30:00Z"),
            row("id", "5", "name", "", "city", "München", "amount", "0", "signed", null, "seen", null));

    @Test
    void columnsAreSelectedRenamedRetypedAndReordered() throws Exception {
        source("people", null, PEOPLE);
        Result r = steps("""
                [{"type": "select", "columns": ["name", "id", "amount"]},
                 {"type": "rename", "columns": {"name": "Name", "amount": "Betrag €"}},
                 {"type": "retype", "column": "id", "to": "text"},
                 {"type": "remove", "columns": ["Betrag €"]}]""");
        assertThat(r.columns()).containsExactly("Name", "id");
        assertThat(r.types()).containsExactly("string", "string");
        assertThat(r.column("Name")).containsExactly("Ängela", "bob", "Chloé", "dan_100%", "");
    }

    @Test
    void aRetypeThatCannotConvertFailsNamingTheStepOrEmptiesTheValue() throws Exception {
        source("people", null, PEOPLE);
        assertThatThrownBy(() -> steps("[{\"type\": \"retype\", \"column\": \"name\", \"to\": \"integer\"}]"))
                .isInstanceOf(TransformException.class).hasMessageContaining("transform.steps[0]")
                .hasMessageContaining("Ängela");
    }

    @Test
    void aRetypeCanEmptyWhatDoesNotConvert() throws Exception {
        source("people", null, PEOPLE);
        Result r = steps("[{\"type\": \"retype\", \"column\": \"city\", \"to\": \"integer\", \"onError\": \"empty\"}]");
        assertThat(r.column("city")).containsOnlyNulls();
        assertThat(r.types().get(2)).isEqualTo("integer");
    }

    @Test
    void valuesARetypeLeftEmptyAreCountedWithExamplesUpToTheShownStep() throws Exception {
        source("people", "[{\"type\": \"retype\", \"column\": \"city\", \"to\": \"integer\", \"onError\": \"empty\"}]",
                List.of(row("id", "1", "city", "Köln", "amount", "1.5"), row("id", "2", "city", "12", "amount", "n/a"),
                        row("id", "3", "city", "", "amount", "x"), row("id", "4", "city", null, "amount", "2"),
                        row("id", "5", "city", "Berlin", "amount", "n/a"), row("id", "6", "city", "Aachen", "amount", "3")));
        ObjectNode transform = (ObjectNode) JSON.readTree("""
                {"steps": [{"type": "retype", "column": "amount", "to": "decimal", "onError": "empty"},
                           {"type": "filter", "where": {"column": "id", "op": "equals", "value": "1"}},
                           {"type": "retype", "column": "id", "to": "boolean"}]}""");
        TransformSession session = TransformSession.over(area.connection(), BERLIN, Duration.ofMinutes(1), staged, null);
        TransformPlan.run(session, sources, transform, null);

        // Blank text is not a failed conversion; "12" converts; a filter after the step does not hide what it lost;
        // a step that fails the run on such values (the last, fail by default) is not counted: it would have failed.
        assertThat(session.conversionLosses(null)).containsExactly(
                new TransformSession.ConversionLoss("sources[0].steps[0]", "city", "integer", 3, List.of("Aachen", "Berlin", "Köln")),
                new TransformSession.ConversionLoss("transform.steps[0]", "amount", "decimal", 3, List.of("n/a", "x")));
        assertThat(session.conversionLosses("sources[0].steps[0]")).extracting(TransformSession.ConversionLoss::column)
                .containsExactly("city");
        assertThat(session.conversionLosses("sources[0]")).isEmpty();
        assertThat(session.conversionLosses("transform.steps[1]")).hasSize(2);
        assertThat(TransformPlan.describe("transform.steps[0]")).isEqualTo("step 1");
        assertThat(TransformPlan.describe("sources[1].steps[2]")).isEqualTo("step 3 of source 2");
        assertThat(TransformPlan.describe("sources[0]")).isEqualTo("source 1 as read");
        assertThat(TransformPlan.describe("transform.combine")).isEqualTo("the combine step");
    }

    @Test
    void textFiltersHandleCaseUnicodeWildcardsAndEmptyValues() throws Exception {
        source("people", null, PEOPLE);
        assertThat(steps("[{\"type\": \"filter\", \"where\": {\"column\": \"city\", \"op\": \"equals\", \"value\": \"KÖLN\","
                + " \"ignoreCase\": true}}]").column("id")).containsExactly(1L, 4L);
        // A literal % is matched as itself, not as a wildcard.
        assertThat(rerun("{\"column\": \"name\", \"op\": \"contains\", \"value\": \"0%\"}").column("id")).containsExactly(4L);
        // Empty values: only is_empty and the negative tests keep them.
        assertThat(rerun("{\"column\": \"city\", \"op\": \"not_equals\", \"value\": \"Berlin\"}").column("id"))
                .containsExactly(1L, 2L, 4L, 5L);
        assertThat(rerun("{\"column\": \"city\", \"op\": \"starts_with\", \"value\": \"K\"}").column("id")).containsExactly(1L);
        assertThat(rerun("{\"column\": \"name\", \"op\": \"is_empty\"}").column("id")).containsExactly(5L);
        assertThat(rerun("{\"column\": \"city\", \"op\": \"in\", \"values\": [\"Berlin\", \"München\"]}").column("id"))
                .containsExactly(3L, 5L);
        assertThat(rerun("{\"column\": \"name\", \"op\": \"matches\", \"value\": \"^[a-d]\"}").column("id"))
                .containsExactly(2L, 4L);
        assertThat(rerun("{\"any\": [{\"column\": \"amount\", \"op\": \"gt\", \"value\": 5}, {\"all\": [{\"column\": \"city\","
                + " \"op\": \"is_not_empty\"}, {\"column\": \"amount\", \"op\": \"between\", \"from\": -10, \"to\": 0}]}]}")
                .column("id")).containsExactly(1L, 4L, 5L);
    }

    /** The same source, filtered anew (each run locks its own database down). */
    private Result rerun(String condition) throws Exception {
        TransformTest fresh = new TransformTest();
        fresh.open();
        try {
            fresh.source("people", null, PEOPLE);
            return fresh.steps("[{\"type\": \"filter\", \"where\": " + condition + "}]");
        } finally {
            fresh.close();
        }
    }

    @Test
    void relativeDateFiltersCountInTheFlowsTimeZone() throws Exception {
        source("people", null, PEOPLE);
        // 23:30 UTC on the 26th is already the 27th in Berlin: "today" is Friday 27 March there.
        assertThat(steps("[{\"type\": \"filter\", \"where\": {\"column\": \"seen\", \"op\": \"today\"}}]").column("id"))
                .containsExactly(2L);
        assertThat(rerun("{\"column\": \"signed\", \"op\": \"yesterday\"}").column("id")).containsExactly(1L);
        assertThat(rerun("{\"column\": \"signed\", \"op\": \"this_week\"}").column("id")).containsExactly(1L);
        assertThat(rerun("{\"column\": \"signed\", \"op\": \"last_days\", \"days\": 8}").column("id")).containsExactly(1L, 2L);
        assertThat(rerun("{\"column\": \"signed\", \"op\": \"last_month\"}").column("id")).containsExactly(3L);
        assertThat(rerun("{\"column\": \"signed\", \"op\": \"last_year\"}").column("id")).containsExactly(4L);
        // 2025-12-31 23:30 UTC is 2026-01-01 in Berlin: this year there, not last.
        assertThat(rerun("{\"column\": \"seen\", \"op\": \"this_year\"}").column("id")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(rerun("{\"column\": \"signed\", \"op\": \"before\", \"value\": \"2026-03-01\"}").column("id"))
                .containsExactly(3L, 4L);
    }

    @Test
    void calculatedColumnsUseTheExpressionLanguage() throws Exception {
        source("people", null, PEOPLE);
        Result r = steps("""
                [{"type": "calculate", "column": "label", "expression": "UPPER(name) & ' (' & COALESCE(city, '?') & ')'"},
                 {"type": "calculate", "column": "double", "expression": "[amount] * 2"},
                 {"type": "calculate", "column": "ratio", "expression": "amount / (id - 1)"},
                 {"type": "calculate", "column": "size", "expression": "IF(amount >= 5, 'big', IF(ISBLANK(amount), 'none', 'small'))"},
                 {"type": "calculate", "column": "age", "expression": "DAYS_BETWEEN(signed, TODAY())"},
                 {"type": "calculate", "column": "month", "expression": "START_OF(signed, 'month')"}]""");
        assertThat(r.column("label")).containsExactly("ÄNGELA (Köln)", "BOB (?)", "CHLOÉ (Berlin)", "DAN_100% (köln)", " (München)");
        // Decimals stay exact decimals, with their places (the preview carries them as text).
        assertThat(r.column("double")).containsExactly("21.0", "6.0", null, "-14.0", "0.0");
        // Division by zero gives an empty value, not a failed run.
        assertThat(r.column("ratio").get(0)).isNull();
        assertThat(r.column("ratio").get(1)).isEqualTo(3.0);
        assertThat(r.column("size")).containsExactly("big", "small", "none", "small", "small");
        assertThat(r.column("age")).containsExactly(1L, 7L, 27L, 86L, null);
        assertThat(r.column("month").get(0).toString()).startsWith("2026-03-01");
    }

    @Test
    void expressionErrorsPointAtTheirPosition() {
        List<String> columns = List.of("amount", "Order total");
        assertThatThrownBy(() -> Expressions.toSql("amount * (2 + ", columns, "DATE '2026-01-01'", "NOW"))
                .isInstanceOf(ExpressionException.class).hasMessageContaining("position 15");
        assertThatThrownBy(() -> Expressions.toSql("[Order totl] + 1", columns, "", ""))
                .hasMessageContaining("No column \"Order totl\"").hasMessageContaining("position 1");
        assertThatThrownBy(() -> Expressions.toSql("amount + read_csv('/etc/passwd')", columns, "", ""))
                .hasMessageContaining("Unknown function read_csv").hasMessageContaining("position 10");
        assertThatThrownBy(() -> Expressions.toSql("ROUND()", columns, "", "")).hasMessageContaining("ROUND takes 1 to 2");
        assertThatThrownBy(() -> Expressions.toSql("'open", columns, "", "")).hasMessageContaining("not closed");
        assertThatThrownBy(() -> Expressions.toSql("amount; DROP TABLE x", columns, "", ""))
                .hasMessageContaining("Unexpected \";\"").hasMessageContaining("position 7");
        assertThat(Expressions.toSql("[Order total] * 1.19", columns, "", "")).isEqualTo("(\"Order total\" * 1.19)");
        assertThat(Expressions.toSql("'it''s' & \"a \"\"b\"\"\"", columns, "", "")).isEqualTo("concat('it''s', 'a \"b\"')");
    }

    @Test
    void aggregatesGroupAndCount() throws Exception {
        source("people", "[{\"type\": \"calculate\", \"column\": \"town\", \"expression\": \"LOWER(city)\"}]", PEOPLE);
        Result r = steps("""
                [{"type": "aggregate", "groupBy": ["town"], "aggregates": [
                    {"function": "count", "as": "people"}, {"function": "sum", "column": "amount", "as": "total"},
                    {"function": "count_distinct", "column": "city", "as": "spellings"},
                    {"function": "average", "column": "amount"}, {"function": "max", "column": "signed"}]}]""");
        assertThat(r.columns()).containsExactly("town", "people", "total", "spellings", "average of amount", "max of signed");
        // Groups in order of first appearance; the empty town is a group of its own.
        assertThat(r.column("town")).containsExactly("köln", null, "berlin", "münchen");
        assertThat(r.column("people")).containsExactly(2L, 1L, 1L, 1L);
        assertThat(r.column("total")).containsExactly("3.5", "3.0", null, "0.0");
        assertThat(r.column("spellings")).containsExactly(2L, 0L, 1L, 1L);
    }

    @Test
    void sortDeduplicateAndLimit() throws Exception {
        source("events", null, List.of(row("key", "a", "v", "1", "at", "2026-01-02"), row("key", "b", "v", "2", "at", null),
                row("key", "a", "v", "3", "at", "2026-01-05"), row("key", "b", "v", "4", "at", "2026-01-01"),
                row("key", "c", "v", "5", "at", "2026-01-03")));
        Result r = steps("""
                [{"type": "deduplicate", "keys": ["key"], "latestBy": "at"},
                 {"type": "sort", "by": [{"column": "at", "direction": "desc"}]},
                 {"type": "limit", "count": 2}]""");
        assertThat(r.column("v")).containsExactly(3L, 5L);
    }

    @Test
    void sortsByColumnsInTurnWithEmptyValuesLast() throws Exception {
        source("events", null, List.of(row("key", "b", "v", "1"), row("key", "a", "v", "2"), row("key", null, "v", "3"),
                row("key", "b", "v", "4"), row("key", "a", "v", "2")));
        Result r = steps("[{\"type\": \"sort\", \"by\": [{\"column\": \"key\"}, {\"column\": \"v\", \"direction\": \"desc\"}]}]");
        assertThat(r.column("key")).containsExactly("a", "a", "b", "b", null);
        assertThat(r.column("v")).containsExactly(2L, 2L, 4L, 1L, 3L);
    }

    /** Values whose binary sum is inexact (0.1 + 0.2, and these five: 4308.0599999999995 as doubles). */
    static final List<Map<String, Object>> ORDERS = List.of(row("id", "1", "amount", "0.10"), row("id", "2", "amount",
            "0.20"), row("id", "3", "amount", "527.50"), row("id", "4", "amount", "233.49"), row("id", "5", "amount",
            "3546.77"));

    @Test
    void decimalsKeepTheirPlacesAndCalculationsStayExact() throws Exception {
        source("orders", null, ORDERS);
        Result calculated = steps("""
                [{"type": "calculate", "column": "plus", "expression": "[amount] + 0.2"},
                 {"type": "calculate", "column": "triple", "expression": "[amount] * 3"},
                 {"type": "calculate", "column": "rounded", "expression": "ROUND([amount] * 1.005, 2)"}]""");
        assertThat(calculated.column("plus").get(0)).isEqualTo("0.30");
        assertThat(calculated.column("triple").get(0)).isEqualTo("0.30");
        assertThat(calculated.column("rounded")).containsExactly("0.10", "0.20", "530.14", "234.66", "3564.50");
        assertThat(calculated.column("amount")).containsExactly("0.10", "0.20", "527.50", "233.49", "3546.77");
    }

    @Test
    void decimalSumsAndAveragesAreExact() throws Exception {
        source("orders", null, ORDERS);
        Result totals = steps("""
                [{"type": "aggregate", "groupBy": [], "aggregates": [{"function": "sum", "column": "amount", "as": "sum"},
                  {"function": "average", "column": "amount", "as": "average"}]}]""");
        assertThat(totals.rows()).containsExactly(List.of("4308.06", "861.612000"));
        assertThat(totals.types()).containsExactly("decimal", "decimal");
    }

    @Test
    void appendStacksSourcesByColumnName() throws Exception {
        source("shop A", null, List.of(row("id", "1", "total", "9.5"), row("id", "2", "total", "3")));
        source("shop B", null, List.of(row("total", "7", "id", "3", "coupon", "SPRING")));
        Result r = run("{\"combine\": {\"type\": \"append\", \"sourceColumn\": \"shop\"}}");
        assertThat(r.columns()).containsExactly("shop", "id", "total", "coupon");
        assertThat(r.rows()).containsExactly(Arrays.asList("shop A", 1L, "9.5", null), Arrays.asList("shop A", 2L, "3.0", null),
                Arrays.asList("shop B", 3L, "7.0", "SPRING"));
    }

    @Test
    void appendOfEmptySourcesGivesNoRows() throws Exception {
        source("a", "[{\"type\": \"filter\", \"where\": {\"column\": \"id\", \"op\": \"gt\", \"value\": 99}}]",
                List.of(row("id", "1")));
        source("b", "[{\"type\": \"limit\", \"count\": 0}]", List.of(row("id", "2")));
        assertThat(run("{\"combine\": {\"type\": \"append\"}}").rows()).isEmpty();
    }

    static final List<Map<String, Object>> DEALS = List.of(row("deal", "D1", "company", "10", "value", "100"),
            row("deal", "D2", "company", "11", "value", "50"), row("deal", "D3", "company", "99", "value", "7"),
            row("deal", "D4", "company", null, "value", "1"));
    static final List<Map<String, Object>> COMPANIES = List.of(row("id", "10", "name", "Acme"),
            row("id", "11", "name", "Globex"), row("id", "12", "name", "Initech"));

    @Test
    void joinsKeepEveryLeftRowOnceAndSayWhatMatched() throws Exception {
        source("deals", null, DEALS);
        source("companies", "[{\"type\": \"rename\", \"columns\": {\"name\": \"value\"}}]", COMPANIES);
        Result left = run("{\"combine\": {\"type\": \"join\", \"joins\": [{\"kind\": \"left\", \"on\": [{\"left\": \"company\","
                + " \"right\": \"id\"}]}]}}");
        // A clashing name from the right side is prefixed with the source's name.
        assertThat(left.columns()).containsExactly("deal", "company", "value", "companies.value");
        assertThat(left.column("companies.value")).containsExactly("Acme", "Globex", null, null);
    }

    @Test
    void innerAndFullJoins() throws Exception {
        source("deals", null, DEALS);
        source("companies", null, COMPANIES);
        Result full = run("{\"combine\": {\"type\": \"join\", \"joins\": [{\"kind\": \"full\", \"on\": [{\"left\": \"company\","
                + " \"right\": \"id\"}]}]}}");
        assertThat(full.column("deal")).containsExactly("D1", "D2", "D3", "D4", null);
        assertThat(full.column("company")).containsExactly(10L, 11L, 99L, null, 12L);
        assertThat(full.column("name")).containsExactly("Acme", "Globex", null, null, "Initech");
    }

    @Test
    void aDuplicateKeyOnTheRightFailsTheJoinUnlessTheFirstIsKept() throws Exception {
        source("deals", null, DEALS);
        source("companies", null, List.of(row("id", "10", "name", "Acme"), row("id", "10", "name", "Acme Corp"),
                row("id", "11", "name", "Globex")));
        String join = "{\"combine\": {\"type\": \"join\", \"joins\": [{\"kind\": \"inner\", \"on\": [{\"left\": \"company\","
                + " \"right\": \"id\"}]%s}]}}";
        assertThatThrownBy(() -> run(String.format(join, ""))).isInstanceOf(TransformException.class)
                .hasMessageContaining("\"companies\" has 2 rows with the key [10]")
                .hasMessageContaining("transform.combine.joins[0].duplicates");
    }

    @Test
    void keepingTheFirstOfDuplicateKeysNeverMultipliesRows() throws Exception {
        source("deals", null, DEALS);
        source("companies", null, List.of(row("id", "10", "name", "Acme"), row("id", "10", "name", "Acme Corp"),
                row("id", "11", "name", "Globex")));
        Result r = run("{\"combine\": {\"type\": \"join\", \"joins\": [{\"kind\": \"inner\", \"duplicates\": \"first\","
                + " \"on\": [{\"left\": \"company\", \"right\": \"id\"}]}]}}");
        assertThat(r.column("deal")).containsExactly("D1", "D2");
        assertThat(r.column("name")).containsExactly("Acme", "Globex");
    }

    @Test
    void keysOfDifferentTypesAreComparedAsText() throws Exception {
        source("deals", null, DEALS);
        source("codes", null, List.of(row("code", "010", "label", "padded"), row("code", "10", "label", "plain")));
        Result r = run("{\"combine\": {\"type\": \"join\", \"joins\": [{\"on\": [{\"left\": \"company\", \"right\": \"code\"}]}]}}");
        assertThat(r.column("label")).containsExactly("plain", null, null, null);
    }

    @Test
    void aSqlStepSeesTheInputAndTheSources() throws Exception {
        source("deals", null, DEALS);
        source("companies", null, COMPANIES);
        Result r = run("""
                {"combine": {"type": "append"}, "steps": [{"type": "sql", "query":
                  "WITH big AS (SELECT * FROM input WHERE value >= 50) SELECT deal, (SELECT count(*) FROM source_2) AS companies FROM big ORDER BY deal DESC"}]}""");
        assertThat(r.rows()).containsExactly(Arrays.asList("D2", 3L), Arrays.asList("D1", 3L));
    }

    @Test
    void theSandboxRefusesFilesNetworkAttachmentsExtensionsAndSettings() throws Exception {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("SELECT * FROM read_csv('/etc/passwd')", "disabled by configuration");
        refused.put("SELECT * FROM read_text('/etc/hostname')", "disabled by configuration");
        refused.put("SELECT * FROM glob('/*')", "disabled by configuration");
        refused.put("SELECT * FROM read_csv('http://169.254.169.254/latest/meta-data')", "disabled by configuration");
        refused.put("SELECT * FROM query('ATTACH ''/tmp/x.duckdb''')", "the function query() is not allowed");
        refused.put("COPY (SELECT 1) TO '/tmp/rowflow-leak.csv'", "one SELECT query");
        refused.put("ATTACH '/tmp/x.duckdb' AS x", "one SELECT query");
        refused.put("INSTALL httpfs", "one SELECT query");
        refused.put("LOAD httpfs", "one SELECT query");
        refused.put("SET enable_external_access = true", "one SELECT query");
        refused.put("PRAGMA enable_profiling", "one SELECT query");
        refused.put("SELECT 1; DROP TABLE input", "one SELECT query");
        refused.put("DROP TABLE input", "one SELECT query");
        refused.put("CREATE TABLE leak AS SELECT 1", "one SELECT query");
        refused.put("SELECT * FROM duckdb_extensions()", "the function duckdb_extensions() is not allowed");
        for (Map.Entry<String, String> attempt : refused.entrySet()) {
            TransformTest fresh = new TransformTest();
            fresh.open();
            try {
                fresh.source("s", null, List.of(row("a", "1")));
                assertThatThrownBy(() -> fresh.run("{\"steps\": [{\"type\": \"sql\", \"query\": " + JSON.writeValueAsString(
                        attempt.getKey()) + "}]}")).as(attempt.getKey()).isInstanceOf(TransformException.class)
                        .hasMessageContaining("transform.steps[0].query").hasMessageContaining(attempt.getValue());
                // Access cannot be turned back on: locked when the query reached the session, and never on once off
                // (a query refused when the flow is checked never reaches a session at all).
                assertThatThrownBy(() -> {
                    try (Statement s = fresh.area.connection().createStatement()) {
                        s.execute("SET enable_external_access = true");
                    }
                }).hasMessageMatching("(?s).*(locked|Cannot enable external access while database is running).*");
            } finally {
                fresh.close();
            }
        }
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/rowflow-leak.csv"))).isFalse();
    }

    @Test
    void everyStepAcceptsAnEmptyInput() throws Exception {
        source("empty", "[{\"type\": \"filter\", \"where\": {\"column\": \"id\", \"op\": \"lt\", \"value\": 0}}]", PEOPLE);
        Result r = steps("""
                [{"type": "select", "columns": ["id", "name", "amount", "signed"]},
                 {"type": "rename", "columns": {"name": "who"}},
                 {"type": "retype", "column": "id", "to": "text"},
                 {"type": "calculate", "column": "next", "expression": "ADD_DAYS(signed, 1)"},
                 {"type": "sort", "by": [{"column": "who"}]},
                 {"type": "deduplicate", "keys": ["who"]},
                 {"type": "sql", "query": "SELECT * FROM input"},
                 {"type": "limit", "count": 10},
                 {"type": "remove", "columns": ["next"]},
                 {"type": "aggregate", "aggregates": [{"function": "count", "as": "rows"}, {"function": "sum", "column": "amount"}]}]""");
        // Without groups an aggregate gives one row, as a spreadsheet's totals row would.
        assertThat(r.columns()).containsExactly("rows", "sum of amount");
        assertThat(r.rows()).containsExactly(Arrays.asList(0L, null));
    }

    @Test
    void expressionsCannotReachFilesSettingsOrOtherStatements() {
        List<String> columns = List.of("a");
        for (String attempt : List.of("read_csv('/etc/passwd')", "read_text('/etc/hostname')", "getenv('HOME')",
                "current_setting('threads')", "a) FROM read_csv('/etc/passwd') --", "[a]) UNION SELECT 1 --",
                "a; COPY input TO '/tmp/x'", "(SELECT 1)", "query('SELECT 1')")) {
            assertThatThrownBy(() -> Expressions.toSql(attempt, columns, "DATE '2026-01-01'", "NOW()")).as(attempt)
                    .isInstanceOf(ExpressionException.class);
        }
        // Quotes inside names and text stay inside them.
        assertThat(Expressions.toSql("'x'' OR 1=1 --'", columns, "", "")).isEqualTo("'x'' OR 1=1 --'");
        assertThat(Expressions.toSql("[a\"; DROP]", List.of("a\"; DROP"), "", "")).isEqualTo("\"a\"\"; DROP\"");
    }

    @Test
    void theTimeLimitStopsARunawayQuery() throws Exception {
        source("s", null, List.of(row("a", "1")));
        assertThatThrownBy(() -> run("{\"steps\": [{\"type\": \"sql\", \"query\": \"SELECT count(*) AS n FROM range(100000000) a,"
                + " range(1000) b WHERE a.range * b.range % 7 = 3\"}]}", Duration.ofMillis(300)))
                .isInstanceOf(DataException.class).hasMessageContaining("took longer than its limit");
    }

    @Test
    void stepsAreCheckedBeforeSavingWithoutTheData() throws Exception {
        sources.add(new FlowRequest.Source(UUID.randomUUID(), null, null, null, List.of(
                (ObjectNode) JSON.readTree("{\"type\": \"filter\", \"where\": {\"column\": \"a\", \"op\": \"resembles\"}}"),
                (ObjectNode) JSON.readTree("{\"type\": \"calculate\", \"column\": \"x\", \"expression\": \"1 +\"}"),
                (ObjectNode) JSON.readTree("{\"type\": \"pivot\"}")), null));
        sources.add(new FlowRequest.Source(UUID.randomUUID(), null, null, null, null, null));
        JsonNode transform = JSON.readTree("{\"combine\": {\"type\": \"join\", \"joins\": [{\"kind\": \"outer\", \"on\": []}]}}");
        assertThat(TransformPlan.check(sources, (ObjectNode) transform, BERLIN)).extracting(e -> e.field()).containsExactly(
                "sources[0].steps[0].where.op", "sources[0].steps[1].expression", "sources[0].steps[2].type",
                "transform.combine.joins[0].kind", "transform.combine.joins[0].on");
    }

    @Test
    void dateMacrosResolveInTheFlowsZone() throws Exception {
        ObjectNode parameters = (ObjectNode) JSON.readTree("{\"url\": \"https://x/?from={{7daysago}}&to={{ today }}\","
                + " \"q\": [\"{{yesterday:dd.MM.yyyy}}\", \"{{startofweek}}/{{startofmonth}}/{{startofquarter}}/{{startofyear}}\"]}");
        ObjectNode resolved = DateMacros.resolve(parameters, BERLIN);
        assertThat(resolved.get("url").asText()).isEqualTo("https://x/?from=2026-03-20&to=2026-03-27");
        assertThat(resolved.get("q").get(0).asText()).isEqualTo("26.03.2026");
        assertThat(resolved.get("q").get(1).asText()).isEqualTo("2026-03-23/2026-03-01/2026-01-01/2026-01-01");
        assertThat(DateMacros.check((ObjectNode) JSON.readTree("{\"a\": \"{{tomorow}}\", \"b\": \"{{today:qqqqqq}}\"}"),
                "parameters")).extracting(e -> e.field()).containsExactly("parameters.a", "parameters.b");
    }
}
