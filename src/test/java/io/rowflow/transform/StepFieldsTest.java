package io.rowflow.transform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.FieldError;
import io.rowflow.flow.FlowRequest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The fields of the step records, checked by their Bean Validation constraints when a step is read: each violation is
 * a field error at the field's place in the flow, in the words the builder shows; several at once come in the order
 * of their places.
 */
class StepFieldsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String STEP = "transform.steps[0]";

    /** The errors of reading this step at {@link #STEP}; none when it reads. */
    static List<FieldError> errors(String step) throws Exception {
        try {
            Step.read(JSON.readTree(step), STEP);
            return List.of();
        } catch (TransformException e) {
            return e.fieldErrors();
        }
    }

    static FieldError error(String field, String message) {
        return new FieldError(STEP + field, message);
    }

    @Test
    void aBlankColumnNameIsRequiredAtItsPlace() throws Exception {
        assertThat(errors("{\"type\": \"retype\", \"column\": \"  \", \"to\": \"integer\"}"))
                .containsExactly(error(".column", "required"));
        assertThat(errors("{\"type\": \"sort\", \"by\": [{\"column\": \"a\"}, {\"column\": \"\", \"direction\": \"desc\"}]}"))
                .containsExactly(error(".by[1].column", "required"));
    }

    @Test
    void everyFieldAStepGetsWrongIsSaidAtOnceInTheOrderOfThePlaces() throws Exception {
        assertThat(errors("{\"type\": \"calculate\", \"column\": \"\", \"expression\": \" \"}"))
                .containsExactly(error(".column", "required"), error(".expression", "required"));
        assertThat(errors("{\"type\": \"retype\", \"to\": \"float\", \"onError\": \"skip\"}")).containsExactly(
                error(".column", "required"),
                error(".onError", "\"fail\" (the run fails on a value that does not convert) or \"empty\" (such a value"
                        + " becomes empty)"),
                error(".to", "one of boolean, date, decimal, integer, text, timestamp"));
    }

    @Test
    void listsAndCountsAreRefusedInTheirWords() throws Exception {
        for (String step : List.of("{\"type\": \"select\", \"columns\": []}", "{\"type\": \"remove\"}")) {
            assertThat(errors(step)).as(step).containsExactly(error(".columns", "list at least one column"));
        }
        assertThat(errors("{\"type\": \"deduplicate\", \"keys\": [], \"latestBy\": \"at\"}"))
                .containsExactly(error(".keys", "list at least one column"));
        assertThat(errors("{\"type\": \"rename\", \"columns\": {}}"))
                .containsExactly(error(".columns", "map old names to new ones: {\"old name\": \"new name\"}"));
        assertThat(errors("{\"type\": \"sort\", \"by\": []}"))
                .containsExactly(error(".by", "list the columns to sort by: [{\"column\": …, \"direction\": \"asc\"}]"));
        assertThat(errors("{\"type\": \"sort\", \"by\": [null, {\"column\": \"a\", \"direction\": \"up\"}]}"))
                .containsExactly(error(".by[0]", "required"), error(".by[1].direction", "\"asc\" or \"desc\""));
        assertThat(errors("{\"type\": \"aggregate\", \"aggregates\": []}")).containsExactly(error(".aggregates",
                "list at least one: [{\"function\": \"sum\", \"column\": \"Amount\", \"as\": \"Total\"}]"));
        assertThat(errors("{\"type\": \"aggregate\", \"aggregates\": [{\"column\": \"a\"}, {\"function\": \"median\"}]}"))
                .containsExactly(error(".aggregates[0].function", "required"),
                        error(".aggregates[1].function", "one of average, count, count_distinct, max, min, sum"));
        for (String count : List.of("-1", "null")) {
            assertThat(errors("{\"type\": \"limit\", \"count\": " + count + "}")).as(count)
                    .containsExactly(error(".count", "how many rows to keep: a whole number, 0 or more"));
        }
        assertThat(errors("{\"type\": \"sql\", \"query\": \"  \"}")).containsExactly(error(".query", "required"));
    }

    @Test
    void whatTheConstraintsAllowStillReads() throws Exception {
        for (String step : StoredStepsTest.STORED) {
            assertThat(errors(step)).as(step).isEmpty();
        }
        for (String to : Steps.RETYPES.keySet()) {
            assertThat(errors("{\"type\": \"retype\", \"column\": \"a\", \"to\": \"" + to + "\"}")).as(to).isEmpty();
        }
        for (String function : List.of("sum", "count", "count_distinct", "average", "min", "max")) {
            assertThat(errors("{\"type\": \"aggregate\", \"aggregates\": [{\"function\": \"" + function + "\", \"column\":"
                    + " \"a\"}]}")).as(function).isEmpty();
        }
    }

    @Test
    void theCheckBeforeSavingListsEveryFieldOfEveryStep() throws Exception {
        List<ObjectNode> steps = List.of((ObjectNode) JSON.readTree("{\"type\": \"calculate\", \"column\": \"\"}"),
                (ObjectNode) JSON.readTree("{\"type\": \"limit\", \"count\": -2}"));
        List<FlowRequest.Source> sources = List.of(new FlowRequest.Source(UUID.randomUUID(), null, null, null, steps, null));
        assertThat(TransformPlan.check(sources, null, TransformTest.BERLIN)).containsExactly(
                new FieldError("sources[0].steps[0].column", "required"),
                new FieldError("sources[0].steps[0].expression", "required"),
                new FieldError("sources[0].steps[1].count", "how many rows to keep: a whole number, 0 or more"));
    }
}
