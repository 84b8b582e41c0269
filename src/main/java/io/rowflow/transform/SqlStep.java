package io.rowflow.transform;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.NotBlank;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;

/**
 * A query of the user's own: one SELECT over {@code input} (the step before) and the sources ({@code source_1}, …).
 * {@link TransformSession} runs it in the locked-down database; it has no SELECT of its own to compile to.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "SqlStep", description = "A SELECT of your own over \"input\" (the step before) and source_1, source_2…",
        properties = @SchemaProperty(name = "type", type = SchemaType.STRING, enumeration = "sql"),
        requiredProperties = "type")
public record SqlStep(@Schema(required = true) @NotBlank(message = Steps.REQUIRED) String query) implements Step {
    @Override
    public String select(Relation input, TransformClock clock, String path) {
        throw new IllegalStateException("sql steps are run by the session");
    }
}
