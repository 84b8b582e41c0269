package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What a flow's {@code transform} holds: how several sources combine, and the steps applied to the result. Requests
 * and stored flows carry it as JSON, read step by step when checked and run ({@link TransformPlan}); this record is
 * its description in the API.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Transform", description = "How several sources combine (needed with two sources or more) and the steps"
        + " applied to the result")
public record Transform(Combine combine, List<Step> steps) {
}
