package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.DiscriminatorMapping;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One transform step, as a flow stores it: a JSON object whose {@code type} names the record it reads into. Each step
 * compiles itself to one SELECT over the step before ({@link #select}); {@code sql} steps are run by
 * {@link TransformSession} instead. Steps are read from the flow's JSON when they are checked or run ({@link #read}),
 * not when a request is bound, so that a bad field is reported at its place in the flow
 * ({@code transform.steps[2].expression}) in the words the builder shows, and fields a step does not know are kept
 * in the stored flow and ignored, as they always were.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = SelectStep.class, name = "select"),
        @JsonSubTypes.Type(value = RemoveStep.class, name = "remove"),
        @JsonSubTypes.Type(value = RenameStep.class, name = "rename"),
        @JsonSubTypes.Type(value = RetypeStep.class, name = "retype"),
        @JsonSubTypes.Type(value = FilterStep.class, name = "filter"),
        @JsonSubTypes.Type(value = SortStep.class, name = "sort"),
        @JsonSubTypes.Type(value = CalculateStep.class, name = "calculate"),
        @JsonSubTypes.Type(value = AggregateStep.class, name = "aggregate"),
        @JsonSubTypes.Type(value = DeduplicateStep.class, name = "deduplicate"),
        @JsonSubTypes.Type(value = LimitStep.class, name = "limit"),
        @JsonSubTypes.Type(value = SqlStep.class, name = "sql") })
@Schema(name = "Step", description = "A transform step; \"type\" says which", discriminatorProperty = "type",
        oneOf = { SelectStep.class, RemoveStep.class, RenameStep.class, RetypeStep.class, FilterStep.class,
                SortStep.class, CalculateStep.class, AggregateStep.class, DeduplicateStep.class, LimitStep.class,
                SqlStep.class },
        discriminatorMapping = {
                @DiscriminatorMapping(value = "select", schema = SelectStep.class),
                @DiscriminatorMapping(value = "remove", schema = RemoveStep.class),
                @DiscriminatorMapping(value = "rename", schema = RenameStep.class),
                @DiscriminatorMapping(value = "retype", schema = RetypeStep.class),
                @DiscriminatorMapping(value = "filter", schema = FilterStep.class),
                @DiscriminatorMapping(value = "sort", schema = SortStep.class),
                @DiscriminatorMapping(value = "calculate", schema = CalculateStep.class),
                @DiscriminatorMapping(value = "aggregate", schema = AggregateStep.class),
                @DiscriminatorMapping(value = "deduplicate", schema = DeduplicateStep.class),
                @DiscriminatorMapping(value = "limit", schema = LimitStep.class),
                @DiscriminatorMapping(value = "sql", schema = SqlStep.class) })
public sealed interface Step permits SelectStep, RemoveStep, RenameStep, RetypeStep, FilterStep, SortStep, CalculateStep,
        AggregateStep, DeduplicateStep, LimitStep, SqlStep {

    /**
     * The step's SELECT over {@code input}, whose view it reads; {@code path} is the step's place in the flow, for
     * errors. With the input's columns unknown (a flow checked before it is saved) the step checks its own fields only,
     * and may answer an empty string.
     */
    String select(Relation input, TransformClock clock, String path);

    /**
     * Reads a step of a flow's JSON into its record: a missing or unknown type, and a field of the wrong shape (a text
     * where a list belongs), are refused with the step's path and the same words the checks use.
     */
    static Step read(JsonNode node, String path) {
        return Steps.read(node, path);
    }
}
