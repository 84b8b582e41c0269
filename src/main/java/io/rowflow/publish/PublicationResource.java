package io.rowflow.publish;

import io.quarkus.security.Authenticated;
import io.rowflow.common.web.PublicUrl;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The secret URLs of a flow's published destination, for the flow's members. */
@Authenticated
@Path("/api/v1/flows/{id}/destinations/{index}/publication")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Published results", description = "A flow's latest result at a secret URL")
public class PublicationResource {
    private final PublicationService publications;
    private final PublicUrl publicUrl;

    public PublicationResource(PublicationService publications, PublicUrl publicUrl) {
        this.publications = publications;
        this.publicUrl = publicUrl;
    }

    @GET
    @RequiresRole(Role.VIEWER)
    @Operation(summary = "The published URLs of a destination",
            description = "The CSV, JSON and NDJSON addresses of a destination of type \"published\" (made on first"
                    + " request), and when a run last wrote the result. Anyone holding an address can read the result.")
    public PublicationView get(@PathParam("id") UUID id, @PathParam("index") @Min(0) int index,
            @Context HttpServerRequest request) {
        return publications.view(id, index, base(request));
    }

    @POST
    @Path("token")
    @RequiresRole(Role.EDITOR)
    @Operation(summary = "Replace a destination's published URLs",
            description = "A new secret for the addresses; the old ones answer 404 at once.")
    public PublicationView regenerate(@PathParam("id") UUID id, @PathParam("index") @Min(0) int index,
            @Context HttpServerRequest request) {
        return publications.regenerate(id, index, base(request));
    }

    private String base(HttpServerRequest request) {
        return publicUrl.base(request.localAddress().port(), "a published URL");
    }
}
