package io.rowflow.transform;

import io.quarkus.security.Authenticated;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Authenticated
@Path("/api/v1/transform")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Transform", description = "What transform steps can use")
public class TransformResource {

    @GET
    @Path("functions")
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "List the formula functions", description = "Every function a calculate step's expression may"
            + " call, with how many arguments it takes, what it does and an example. The builder checks formulas"
            + " against this list as they are typed.")
    public List<Expressions.FormulaFunction> functions() {
        return Expressions.catalogue();
    }
}
