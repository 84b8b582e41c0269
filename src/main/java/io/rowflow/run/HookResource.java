package io.rowflow.run;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/hooks")
@Tag(name = "Webhooks", description = "Addresses that source apps call to refresh a flow")
public class HookResource {
    private final WebhookService webhooks;

    public HookResource(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    @PermitAll
    @Path("{secret}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a flow from a webhook",
            description = "202 with the run started or joined: calls within the coalescing window share one run, calls during a run ask for one more after it. The body is ignored.")
    public Response call(@PathParam("secret") String secret) {
        return Response.accepted(webhooks.call(secret)).build();
    }
}
