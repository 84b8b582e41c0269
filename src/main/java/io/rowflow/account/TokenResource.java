package io.rowflow.account;

import io.quarkus.security.Authenticated;
import io.rowflow.workspace.Caller;
import io.rowflow.workspace.SignedIn;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@SignedIn
@Tag(name = "API tokens", description = "Personal access tokens for scripts: Authorization: Bearer <token>")
public class TokenResource {
    private final AccountService accounts;
    private final Caller caller;

    public TokenResource(AccountService accounts, Caller caller) {
        this.accounts = accounts;
        this.caller = caller;
    }

    public record TokenRequest(@NotBlank @Size(max = 200) String name, @Min(1) @Max(3650) Integer expiresInDays) {
    }

    /** A token as lists show it: never the token itself. */
    public record TokenView(UUID id, String name, String prefix, Instant createdAt, Instant expiresAt, Instant lastUsedAt) {
        static TokenView of(ApiTokenEntity e) {
            return new TokenView(e.id, e.name, e.prefix, e.createdAt, e.expiresAt, e.lastUsedAt);
        }
    }

    /** The answer to a creation: the only time the token is shown. */
    public record CreatedTokenView(UUID id, String name, String token, Instant createdAt, Instant expiresAt) {
    }

    @GET
    @Operation(summary = "List my API tokens")
    public List<TokenView> list() {
        return accounts.tokens(caller.userId()).stream().map(TokenView::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API token", description = "The token is in this answer only; Rowflow keeps a hash.")
    public Response create(@Valid @NotNull TokenRequest body) {
        AccountService.CreatedToken created = accounts.createToken(caller.userId(), body.name(), body.expiresInDays());
        ApiTokenEntity e = created.entity();
        return Response.status(201).entity(new CreatedTokenView(e.id, e.name, created.token(), e.createdAt, e.expiresAt))
                .build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke an API token", description = "It stops working at once.")
    public Response revoke(@PathParam("id") UUID id) {
        accounts.revokeToken(caller.userId(), id);
        return Response.noContent().build();
    }
}
