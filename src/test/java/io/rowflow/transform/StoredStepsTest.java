package io.rowflow.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.flow.FlowDefinition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flows saved before steps had records: their JSON, as the builder and the API wrote it, reads into the records and
 * writes back the same, every step type and every optional field; fields a step does not know are ignored when it runs
 * and kept in the stored flow. That they run the same is {@link TransformTest}'s part; {@link #aStoredFlowRunsAsBefore}
 * runs one flow with every step type over known rows.
 */
class StoredStepsTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** One stored step of each type (and each shape of the optional fields), as today's builder writes them. */
    static final List<String> STORED = List.of(
            "{\"type\": \"select\", \"columns\": [\"name\", \"id\", \"amount\"]}",
            "{\"type\": \"remove\", \"columns\": [\"city\"]}",
            "{\"type\": \"rename\", \"columns\": {\"name\": \"Name\", \"amount\": \"Betrag €\"}}",
            "{\"type\": \"retype\", \"column\": \"id\", \"to\": \"integer\"}",
            "{\"type\": \"retype\", \"column\": \"amount\", \"to\": \"decimal\", \"onError\": \"empty\"}",
            "{\"type\": \"filter\", \"where\": {\"all\": [{\"column\": \"city\", \"op\": \"contains\", \"value\": \"ö\","
                    + " \"ignoreCase\": true}, {\"any\": [{\"column\": \"signed\", \"op\": \"last_days\", \"days\": 30},"
                    + " {\"column\": \"id\", \"op\": \"in\", \"values\": [1, 2]}]}]}}",
            "{\"type\": \"sort\", \"by\": [{\"column\": \"amount\", \"direction\": \"desc\"}, {\"column\": \"id\"}]}",
            "{\"type\": \"calculate\", \"column\": \"gross\", \"expression\": \"ROUND([amount] * 1.19, 2)\"}",
            "{\"type\": \"calculate\", \"column\": \"name\", \"expression\": \"UPPER(name)\", \"replace\": true}",
            "{\"type\": \"aggregate\", \"groupBy\": [\"city\"], \"aggregates\": [{\"function\": \"count\", \"as\": \"people\"},"
                    + " {\"function\": \"sum\", \"column\": \"amount\"}]}",
            "{\"type\": \"aggregate\", \"groupBy\": [], \"aggregates\": [{\"function\": \"average\", \"column\": \"amount\","
                    + " \"as\": \"mean\"}]}",
            "{\"type\": \"deduplicate\", \"keys\": [\"city\"]}",
            "{\"type\": \"deduplicate\", \"keys\": [\"city\", \"name\"], \"latestBy\": \"signed\"}",
            "{\"type\": \"limit\", \"count\": 3}",
            "{\"type\": \"sql\", \"query\": \"SELECT * FROM input WHERE amount > 0\"}");

    @Test
    void everyStoredStepReadsIntoItsRecordAndWritesBackTheSame() throws Exception {
        for (String stored : STORED) {
            JsonNode node = MAPPER.readTree(stored);
            Step step = Step.read(node, "transform.steps[0]");
            assertThat(step.getClass().getSimpleName().toLowerCase()).startsWith(node.get("type").asText());
            assertThat(MAPPER.readTree(MAPPER.writeValueAsString(step))).as(stored).isEqualTo(node);
        }
        assertThat(STORED.stream().map(s -> s.substring(10, s.indexOf('"', 10))).distinct())
                .as("every step type").containsExactlyInAnyOrderElementsOf(Steps.TYPES);
    }

    @Test
    void aStoredDefinitionReadsAndWritesBackUnchanged() throws Exception {
        String stored = "{\"sources\": [{\"connectionId\": \"0b6f7d1e-8a52-4c2b-9a51-5a8f1f0f0c11\", \"stream\": null,"
                + " \"parameters\": null, \"name\": null, \"steps\": [" + STORED.get(0) + ", {\"type\": \"limit\", \"count\": 2,"
                + " \"note\": \"a field no step knows\"}], \"sync\": null}], \"transform\": {\"steps\": ["
                + String.join(", ", STORED.subList(1, STORED.size() - 1)) + "]}, \"destinations\": [{\"type\": \"excel\","
                + " \"settings\": {\"sheetName\": \"Deals\"}}], \"schedule\": {\"preset\": \"daily\", \"times\": [\"07:00\"],"
                + " \"timezone\": \"Europe/Berlin\"}, \"timeout\": null, \"onlyIfChanged\": null, \"retries\": null,"
                + " \"emptyResult\": null}";
        // As FlowService reads a stored definition and writes one.
        FlowDefinition definition = MAPPER.readerFor(FlowDefinition.class)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(stored);
        assertThat(MAPPER.readTree(MAPPER.writeValueAsString(definition))).isEqualTo(MAPPER.readTree(stored));
        assertThat(TransformPlan.check(definition.sources(), definition.transform(), TransformTest.BERLIN)).isEmpty();
    }

    @Test
    void aFieldNoStepKnowsIsIgnoredAsBefore() throws Exception {
        Step step = Step.read(MAPPER.readTree("{\"type\": \"limit\", \"count\": 2, \"note\": \"kept, unread\"}"), "s");
        assertThat(step).isEqualTo(new LimitStep(2L));
    }

    @Test
    void misshapenFieldsAreRefusedAtTheirPlaceInTheWordsOfTheChecks() {
        assertThatThrownBy(() -> Step.read(MAPPER.readTree("{\"type\": \"select\", \"columns\": \"id\"}"),
                "sources[0].steps[1]")).isInstanceOfSatisfying(TransformException.class, e -> {
                    assertThat(e.field()).isEqualTo("sources[0].steps[1].columns");
                    assertThat(e.fieldErrors().get(0).message()).isEqualTo("list at least one column");
                });
        assertThatThrownBy(() -> Step.read(MAPPER.readTree("{\"type\": \"limit\", \"count\": \"5\"}"), "transform.steps[0]"))
                .isInstanceOfSatisfying(TransformException.class, e -> {
                    assertThat(e.field()).isEqualTo("transform.steps[0].count");
                    assertThat(e.fieldErrors().get(0).message()).isEqualTo("how many rows to keep: a whole number, 0 or more");
                });
        assertThatThrownBy(() -> Step.read(MAPPER.readTree("{\"type\": \"calculate\", \"column\": \"x\", \"expression\":"
                + " {\"a\": 1}}"), "transform.steps[2]")).isInstanceOfSatisfying(TransformException.class, e -> {
                    assertThat(e.field()).isEqualTo("transform.steps[2].expression");
                    assertThat(e.fieldErrors().get(0).message()).isEqualTo("required");
                });
        assertThatThrownBy(() -> Step.read(MAPPER.readTree("{\"type\": \"pivot\"}"), "transform.steps[0]"))
                .isInstanceOfSatisfying(TransformException.class, e -> {
                    assertThat(e.field()).isEqualTo("transform.steps[0].type");
                    assertThat(e.fieldErrors().get(0).message()).startsWith("unknown step type \"pivot\"; the types are select,");
                });
    }

    @Test
    void aStoredFlowRunsAsBefore() throws Exception {
        TransformTest harness = new TransformTest();
        harness.open();
        try {
            harness.source("people", "[{\"type\": \"retype\", \"column\": \"amount\", \"to\": \"decimal\","
                    + " \"onError\": \"empty\", \"note\": \"a field no step knows\"}]", TransformTest.PEOPLE);
            TransformTest.Result r = harness.steps("""
                    [{"type": "filter", "where": {"column": "amount", "op": "is_not_empty"}},
                     {"type": "calculate", "column": "twice", "expression": "[amount] * 2"},
                     {"type": "sort", "by": [{"column": "amount", "direction": "desc"}]},
                     {"type": "rename", "columns": {"name": "Name"}},
                     {"type": "deduplicate", "keys": ["city"]},
                     {"type": "limit", "count": 3},
                     {"type": "select", "columns": ["Name", "amount", "twice", "id"]},
                     {"type": "retype", "column": "id", "to": "text"},
                     {"type": "remove", "columns": ["twice"]},
                     {"type": "sql", "query": "SELECT Name, amount, id FROM input"}]""");
            assertThat(r.columns()).containsExactly("Name", "amount", "id");
            assertThat(r.column("id")).containsExactly("1", "2", "5");
            assertThat(r.column("Name").subList(0, 2)).containsExactly("Ängela", "bob");
        } finally {
            harness.close();
        }
    }
}
