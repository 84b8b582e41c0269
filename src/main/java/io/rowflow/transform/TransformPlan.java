package io.rowflow.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.FieldError;
import io.rowflow.flow.FlowRequest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The order in which a flow's data is shaped: each source's own steps, then the combine step (append or joins) when
 * there are several sources, then the final steps. Stages are named by their place in the flow definition —
 * {@code sources[0]} (the source as read), {@code sources[0].steps[1]}, {@code transform.combine},
 * {@code transform.steps[2]} — the same names that errors and previews use.
 */
public final class TransformPlan {
    private TransformPlan() {
    }

    public static final Set<String> JOIN_KINDS = Set.of("inner", "left", "full");

    /** The name a source goes by in an append's source column and in joined column names. */
    public static String sourceName(List<FlowRequest.Source> sources, int index) {
        String name = sources.get(index).name();
        return name == null || name.isBlank() ? "source " + (index + 1) : name.strip();
    }

    /**
     * Runs every stage up to {@code stopAt} (or to the end when null) over the staged sources, already turned into
     * relations by {@link TransformSession#source}; answers the last stage made.
     */
    public static Relation run(TransformSession session, List<FlowRequest.Source> sources, ObjectNode transform,
            String stopAt) throws SQLException {
        List<Relation> staged = session.sources();
        List<String> ids = stageIds(sources, transform);
        if (stopAt != null && !ids.contains(stopAt)) {
            throw new TransformException("step", "no step \"" + stopAt + "\" in this flow; its steps are "
                    + String.join(", ", ids));
        }
        List<Relation> shaped = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            String path = "sources[" + i + "]";
            if (path.equals(stopAt)) {
                return staged.get(i);
            }
            Relation result = session.steps(staged.get(i), steps(sources.get(i).steps()), path + ".steps", stopAt);
            if (stopAt != null && stopAt.startsWith(path + ".")) {
                return result;
            }
            shaped.add(result);
            names.add(sourceName(sources, i));
        }
        session.nameSources(shaped);
        Relation combined = shaped.get(0);
        if (sources.size() > 1) {
            combined = session.combine(shaped, names, transform.get("combine"));
            if ("transform.combine".equals(stopAt)) {
                return combined;
            }
        }
        return session.steps(combined, transform == null ? null : transform.get("steps"), "transform.steps", stopAt);
    }

    /**
     * A stage's name in a user's words: {@code transform.steps[2]} is "step 3", {@code sources[0].steps[1]} "step 2 of
     * source 1", {@code sources[0]} "source 1 as read".
     */
    public static String describe(String stage) {
        if (stage.equals("transform.combine")) {
            return "the combine step";
        }
        String source = null;
        String rest = stage.startsWith("transform.") ? stage.substring("transform.".length()) : stage;
        if (stage.startsWith("sources[")) {
            int close = stage.indexOf(']');
            source = "source " + (Integer.parseInt(stage.substring("sources[".length(), close)) + 1);
            if (close == stage.length() - 1) {
                return source + " as read";
            }
            rest = stage.substring(close + 2);
        }
        if (!rest.startsWith("steps[") || !rest.endsWith("]")) {
            return stage;
        }
        String step = "step " + (Integer.parseInt(rest.substring("steps[".length(), rest.length() - 1)) + 1);
        return source == null ? step : step + " of " + source;
    }

    /** Every stage of the flow by name, in the order they run: what a preview can show. */
    public static List<String> stageIds(List<FlowRequest.Source> sources, ObjectNode transform) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            ids.add("sources[" + i + "]");
            JsonNode steps = steps(sources.get(i).steps());
            for (int k = 0; steps != null && k < steps.size(); k++) {
                ids.add("sources[" + i + "].steps[" + k + "]");
            }
        }
        if (sources.size() > 1) {
            ids.add("transform.combine");
        }
        JsonNode steps = transform == null ? null : transform.get("steps");
        for (int k = 0; steps != null && k < steps.size(); k++) {
            ids.add("transform.steps[" + k + "]");
        }
        return ids;
    }

    private static JsonNode steps(List<ObjectNode> steps) {
        if (steps == null) {
            return null;
        }
        com.fasterxml.jackson.databind.node.ArrayNode array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .arrayNode();
        steps.forEach(array::add);
        return array;
    }

    /**
     * Checks a flow's transform before it is saved, without its data: step types and their fields, operators,
     * expressions (syntax and functions), SQL steps' presence, the combine step. Column names are checked when the data
     * is known (at preview and run time).
     */
    public static List<FieldError> check(List<FlowRequest.Source> sources, ObjectNode transform, TransformClock clock) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            checkSteps(steps(sources.get(i).steps()), "sources[" + i + "].steps", clock, errors);
        }
        JsonNode combine = transform == null ? null : transform.get("combine");
        if (sources.size() > 1) {
            checkCombine(combine, sources.size(), errors);
        } else if (combine != null && !combine.isNull()) {
            errors.add(new FieldError("transform.combine", "a combine step needs two sources or more"));
        }
        if (transform != null) {
            checkSteps(transform.get("steps"), "transform.steps", clock, errors);
            transform.fieldNames().forEachRemaining(field -> {
                if (!Set.of("combine", "steps").contains(field)) {
                    errors.add(new FieldError("transform." + field, "unknown field; a transform has \"combine\" and"
                            + " \"steps\""));
                }
            });
        }
        return errors;
    }

    private static void checkSteps(JsonNode steps, String path, TransformClock clock, List<FieldError> errors) {
        if (steps == null || steps.isNull()) {
            return;
        }
        if (!steps.isArray()) {
            errors.add(new FieldError(path, "a list of steps"));
            return;
        }
        Relation unknown = new Relation("input", null);
        for (int i = 0; i < steps.size(); i++) {
            String at = path + "[" + i + "]";
            try {
                Step step = Step.read(steps.get(i), at);
                if (step instanceof SqlStep sql) {
                    SqlStepCheck.checkAlone(sql.query(), at + ".query");
                } else {
                    step.select(unknown, clock, at);
                }
            } catch (TransformException e) {
                errors.addAll(e.fieldErrors());
            }
        }
    }

    private static void checkCombine(JsonNode combine, int sourceCount, List<FieldError> errors) {
        String path = "transform.combine";
        if (combine == null || !combine.isObject()) {
            errors.add(new FieldError(path, "with several sources, say how to combine them: {\"type\": \"append\"} or"
                    + " {\"type\": \"join\", \"joins\": [...]}"));
            return;
        }
        String type = combine.path("type").asText();
        if (type.equals("append")) {
            if (combine.has("sourceColumn") && combine.get("sourceColumn").asText().isBlank()) {
                errors.add(new FieldError(path + ".sourceColumn", "a column name, or leave it out"));
            }
            return;
        }
        if (!type.equals("join")) {
            errors.add(new FieldError(path + ".type", "\"append\" or \"join\""));
            return;
        }
        JsonNode joins = combine.path("joins");
        if (!joins.isArray() || joins.size() != sourceCount - 1) {
            errors.add(new FieldError(path + ".joins", "one join per source after the first: " + (sourceCount - 1)));
            return;
        }
        for (int j = 0; j < joins.size(); j++) {
            String at = path + ".joins[" + j + "]";
            JsonNode join = joins.get(j);
            if (!JOIN_KINDS.contains(join.path("kind").asText("left"))) {
                errors.add(new FieldError(at + ".kind", "\"inner\", \"left\" or \"full\""));
            }
            if (!Set.of("fail", "first").contains(join.path("duplicates").asText("fail"))) {
                errors.add(new FieldError(at + ".duplicates", "\"fail\" (the run fails, naming the key) or \"first\""
                        + " (the first row with a key is kept)"));
            }
            JsonNode on = join.path("on");
            if (!on.isArray() || on.isEmpty()) {
                errors.add(new FieldError(at + ".on", "list the key pairs: [{\"left\": \"id\", \"right\": \"company id\"}]"));
                continue;
            }
            for (int i = 0; i < on.size(); i++) {
                for (String side : List.of("left", "right")) {
                    if (on.get(i).path(side).asText().isBlank()) {
                        errors.add(new FieldError(at + ".on[" + i + "]." + side, "required"));
                    }
                }
            }
        }
    }
}
