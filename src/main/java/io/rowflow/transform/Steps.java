package io.rowflow.transform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.rowflow.common.error.FieldError;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * What the {@link Step} records share: reading a step from a flow's JSON, and the checks of column lists and names.
 * Every step keeps the hidden row column, so the rows keep their order unless a step means to change it. With the
 * input's columns unknown (a flow checked before it is saved) the same code checks a step's shape without its column
 * names.
 */
final class Steps {
    private Steps() {
    }

    static final List<String> TYPES = List.of("select", "remove", "rename", "retype", "filter", "sort", "calculate",
            "aggregate", "deduplicate", "limit", "sql");
    static final Map<String, ColumnType> RETYPES = Map.of("text", ColumnType.STRING, "integer", ColumnType.INTEGER,
            "decimal", ColumnType.DECIMAL, "boolean", ColumnType.BOOLEAN, "date", ColumnType.DATE, "timestamp",
            ColumnType.TIMESTAMP);
    static final String LIST_COLUMNS = "list at least one column";
    static final String REQUIRED = "required";

    /**
     * Fields a step does not know are ignored, as they were before steps had records; a number given as text
     * ({@code "count": "5"}) is refused, as it was.
     */
    private static final ObjectMapper READER = readerOfSteps();

    private static ObjectMapper readerOfSteps() {
        JsonMapper mapper = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        return mapper;
    }

    /**
     * Checks the fields of a read step, by the Bean Validation constraints on its record. Built here, not injected:
     * steps are read in static code (the check before a flow is saved, the run), the same in and out of Quarkus. The
     * messages are the constraints' own words, so no expression language is needed to interpolate them.
     */
    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();

    /** What a field holds, for a field whose value has the wrong shape; the plain text fields are "required". */
    private static final Map<String, String> SHAPES = Map.of(
            "select.columns", LIST_COLUMNS,
            "remove.columns", LIST_COLUMNS,
            "deduplicate.keys", LIST_COLUMNS,
            "aggregate.groupBy", LIST_COLUMNS,
            "rename.columns", RenameStep.SHAPE,
            "sort.by", SortStep.SHAPE,
            "aggregate.aggregates", AggregateStep.SHAPE,
            "limit.count", LimitStep.SHAPE);

    /** The field a list's element needs first, for an element that is not an object. */
    private static final Map<String, String> ELEMENTS = Map.of("sort.by", "column", "aggregate.aggregates", "function");

    /** See {@link Step#read}. */
    static Step read(JsonNode node, String path) {
        String type = type(node, path);
        Step step;
        try {
            step = READER.treeToValue(node, Step.class);
        } catch (JsonMappingException e) {
            throw misshapen(type, e, path);
        } catch (JsonProcessingException e) {
            throw new TransformException(path, e.getOriginalMessage());
        }
        List<FieldError> refused = VALIDATOR.validate(step).stream()
                .map(v -> new FieldError(path + field(v.getPropertyPath()), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field)).toList();
        if (!refused.isEmpty()) {
            throw new TransformException(refused);
        }
        return step;
    }

    /** A constraint's place in a step as the flow writes it: {@code .where.all[0].column}, {@code .values[1]}. */
    static String field(Path path) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : path) {
            if (node.isInIterable()) {
                field.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
            }
            if (node.getKind() != ElementKind.CONTAINER_ELEMENT) {
                field.append('.').append(node.getName());
            }
        }
        return field.toString();
    }

    /**
     * A field refused while a step is read, in the words to show (a condition without an operator); Jackson adds the
     * field's place in the step as the error passes out.
     */
    static final class Refusal extends JsonMappingException {
        Refusal(JsonParser parser, String field, String words) {
            super(parser, words);
            if (field != null) {
                prependPath(Step.class, field);
            }
        }
    }

    /** A flow's combine, already checked by {@link TransformPlan#check}, read into its record. */
    static Combine readCombine(JsonNode node, String path) {
        try {
            return READER.treeToValue(node, Combine.class);
        } catch (JsonProcessingException e) {
            throw new TransformException(path, e.getOriginalMessage());
        }
    }

    private static TransformException misshapen(String type, JsonMappingException e, String path) {
        StringBuilder at = new StringBuilder(path);
        String first = null;
        String last = null;
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                at.append('.').append(reference.getFieldName());
                first = first == null ? reference.getFieldName() : first;
                last = reference.getFieldName();
            } else if (reference.getIndex() >= 0) {
                at.append('[').append(reference.getIndex()).append(']');
                // One of a list's values: what each value holds.
                last = "value";
            }
        }
        String shape = e instanceof Refusal ? e.getOriginalMessage()
                : e.getPath().size() == 1 ? SHAPES.get(type + "." + first)
                : type.equals("filter") ? Condition.SHAPES.get(last) : null;
        if (e.getPath().size() == 2 && ELEMENTS.containsKey(type + "." + first)) {
            // A sort key or an aggregate given as text, not an object: its first field is what is missing.
            at.append('.').append(ELEMENTS.get(type + "." + first));
        }
        return new TransformException(at.toString(), shape == null ? "required" : shape);
    }

    static String type(JsonNode step, String path) {
        if (step == null || !step.isObject()) {
            throw new TransformException(path, "a step is an object with a \"type\": one of " + String.join(", ", TYPES));
        }
        String type = step.path("type").asText("");
        if (!TYPES.contains(type)) {
            throw new TransformException(path + ".type", (type.isEmpty() ? "missing" : "unknown step type \"" + type + "\"")
                    + "; the types are " + String.join(", ", TYPES));
        }
        return type;
    }

    /** A text field of the combine: present and not empty. */
    static String required(String value, String field, String path) {
        if (value == null || value.isEmpty()) {
            throw new TransformException(path + "." + field, REQUIRED);
        }
        return value;
    }

    static TransformException noColumn(String name, Relation input, String path) {
        return new TransformException(path, "no column \"" + name + "\" here; the columns are "
                + input.names().stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(", ")));
    }

    /** The hidden row column and {@code keep}, in that order, from {@code input}: what select and remove make. */
    static String keeping(List<String> keep, Relation input) {
        return "SELECT " + Relation.ROW + keep.stream().map(c -> ", " + StagedTable.quote(c)).collect(Collectors.joining())
                + " FROM " + input.view();
    }

    /** A column the input has, in the input's own spelling. */
    static String column(String name, Relation input, String path) {
        return input.known() ? input.find(name).orElseThrow(() -> noColumn(name, input, path)).name() : name;
    }

    /** A step's list of columns (at least one, by its record's constraint): each the input has, none twice. */
    static List<String> columns(List<String> list, String field, Relation input, String path) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            // A null in the list reads as the text "null", as it did when steps were read as JSON.
            String name = column(String.valueOf(list.get(i)), input, path + "." + field + "[" + i + "]");
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new TransformException(path + "." + field + "[" + i + "]", "\"" + name + "\" is listed twice");
            }
            names.add(name);
        }
        return names;
    }

    /**
     * Checks a new column name (not blank, by its record's constraint): not the hidden row column, not taken (unless it
     * replaces {@code replaced}).
     */
    static String newName(String value, String field, Relation input, String path, String replaced) {
        String name = value.strip();
        if (name.equalsIgnoreCase(Relation.ROW)) {
            throw new TransformException(path + "." + field, "\"" + name + "\" cannot be a column name");
        }
        if (input.known() && input.clash(name).isPresent() && (replaced == null || !replaced.equals(name)
                || input.find(name).isEmpty())) {
            throw new TransformException(path + "." + field, "there is already a column \""
                    + input.clash(name).get().name() + "\"" + (input.find(name).isEmpty()
                            ? " (names differing only in case count as one)" : ""));
        }
        return name;
    }

    /**
     * A retype step that leaves a value which does not convert empty (onError "empty"): the step, the column in the
     * input's spelling, the type asked for, and the DuckDB type. The preview and the run count such values, so that a
     * conversion never blanks data unsaid.
     */
    record LossyRetype(String step, String column, String to, String sqlType) {
    }
}
