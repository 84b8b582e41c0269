package io.rowflow.oauth;

import io.quarkus.security.Authenticated;
import io.rowflow.account.CredentialAuthenticationMechanism;
import io.rowflow.workspace.Caller;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import io.rowflow.workspace.SignedIn;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Context;
import java.net.URI;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/oauth/{connector}")
@Tag(name = "OAuth")
@Authenticated
public class OAuthResource {
    private final OAuthService oauth;
    private final Caller caller;

    public OAuthResource(OAuthService oauth, Caller caller) {
        this.oauth = oauth;
        this.caller = caller;
    }

    @GET
    @Path("authorize")
    @RequiresRole(Role.EDITOR)
    @Operation(summary = "Connect an account by signing in at the provider", description = "Redirects (302) to the"
            + " provider's consent page. `name` names the new connection; `connectionId` reconnects an existing one."
            + " Where the provider's addresses are made from settings (a Shopify shop), those settings come as"
            + " parameters of their own (`shop=acme`). The sign-in must end within 10 minutes, in the same browser"
            + " session.")
    public Response authorize(@PathParam("connector") String connector, @QueryParam("name") String name,
            @QueryParam("connectionId") UUID connectionId,
            @CookieParam(CredentialAuthenticationMechanism.SESSION_COOKIE) String sessionId,
            @Context HttpServerRequest request, @Context jakarta.ws.rs.core.UriInfo uri) {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        uri.getQueryParameters().forEach((key, values) -> {
            if (!values.isEmpty()) {
                settings.put(key, values.get(0));
            }
        });
        // Only the settings the connector's sign-in addresses name are taken (OAuthService filters them).
        URI consent = oauth.authorize(connector, name, connectionId, sessionId, request.localAddress().port(),
                settings);
        return Response.status(Response.Status.FOUND).location(consent).build();
    }

    @GET
    @Path("callback")
    @SignedIn
    @Operation(summary = "Where the provider sends the browser back", description = "Exchanges the code for tokens,"
            + " stores them encrypted in the connection and redirects (303) to the connection's page.")
    public Response callback(@PathParam("connector") String connector, @QueryParam("code") String code,
            @QueryParam("state") String state, @QueryParam("error") String error,
            @CookieParam(CredentialAuthenticationMechanism.SESSION_COOKIE) String sessionId) {
        UUID connection = oauth.complete(connector, code, state, error, sessionId, caller.userId());
        return Response.seeOther(URI.create("/connections/" + connection + "?connected=true")).build();
    }
}
