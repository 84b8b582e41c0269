package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.DiscriminatorMapping;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * How a flow with several sources makes one table of them: appended one below the other, or joined from left to
 * right, one join per source after the first. {@link TransformPlan#check} checks the combine as JSON, so that its
 * errors keep their paths and words ({@code transform.combine.joins[0].on[1].right}: "required").
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Combine.Append.class, name = "append"),
        @JsonSubTypes.Type(value = Combine.Join.class, name = "join") })
@Schema(name = "Combine", description = "How several sources make one table", discriminatorProperty = "type",
        oneOf = { Combine.Append.class, Combine.Join.class },
        discriminatorMapping = {
                @DiscriminatorMapping(value = "append", schema = Combine.Append.class),
                @DiscriminatorMapping(value = "join", schema = Combine.Join.class) })
public sealed interface Combine permits Combine.Append, Combine.Join {

    /** The sources' rows one below the other, matched by column name; {@code sourceColumn} names each row's source. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "AppendCombine", description = "The sources' rows one below the other, columns matched by name",
            properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "append"),
            requiredProperties = "type")
    record Append(@Schema(description = "A column to add that holds each row's source name") String sourceColumn)
            implements Combine {
    }

    /** The sources joined from left to right: {@code joins[0]} joins source 2 to source 1, and so on. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "JoinCombine", description = "The sources joined from left to right, one join per source after the"
            + " first", properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "join"),
            requiredProperties = "type")
    record Join(@Schema(required = true) List<SourceJoin> joins) implements Combine {
    }

    /**
     * One join: which rows are kept ({@code kind}, "left" by default), the key pairs, and what a key the right side
     * holds twice does ({@code duplicates}: "fail", the default, or "first").
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(name = "SourceJoin")
    record SourceJoin(
            @Schema(enumeration = { "inner", "left", "full" }, description = "\"left\" when left out") String kind,
            @Schema(required = true) List<KeyPair> on,
            @Schema(enumeration = { "fail", "first" }, description = "\"fail\" when left out") String duplicates) {
    }

    /** A column of the left side equal to a column of the right side. */
    @Schema(name = "KeyPair")
    record KeyPair(@Schema(required = true) String left, @Schema(required = true) String right) {
    }
}
