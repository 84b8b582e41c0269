package io.rowflow.connector;

import io.quarkus.security.Authenticated;
import io.rowflow.workspace.SignedIn;
import io.rowflow.writer.WriterDescriptor;
import io.rowflow.writer.WriterRegistry;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Authenticated
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Catalog", description = "What Rowflow can read from and write to")
public class CatalogResource {
    private final ConnectorRegistry connectors;
    private final ConnectionTypeRegistry types;
    private final WriterRegistry writers;
    private final SignInSetup signIns;

    public CatalogResource(ConnectorRegistry connectors, ConnectionTypeRegistry types, WriterRegistry writers,
            SignInSetup signIns) {
        this.connectors = connectors;
        this.types = types;
        this.writers = writers;
        this.signIns = signIns;
    }

    @SignedIn
    @GET
    @Path("connectors")
    @Operation(summary = "List source connectors", description = "With the JSON Schema of each one's settings, and"
            + " whether its OAuth sign-in is set up on this server.")
    public List<ConnectorDescriptor> connectors() {
        return connectors.all().stream().map(this::entry).toList();
    }

    @SignedIn
    @GET
    @Path("connection-types")
    @Operation(summary = "List connection types", description = "What a connection can be: each source connector that"
            + " is its own type, and the accounts destinations write through (a type no source reads). With the JSON"
            + " Schema of each one's settings, and whether its OAuth sign-in is set up on this server. A connection's"
            + " `connectorId` is its type's id.")
    public List<ConnectorDescriptor> connectionTypes() {
        return types.all().stream().map(this::entry).toList();
    }

    /** A type as the catalog shows it: whether its sign-in is set up here, and what it asks before it. */
    private ConnectorDescriptor entry(ConnectionType type) {
        return type.descriptor().withSignInSetUp(signIns.isSetUp(type.descriptor().id())).withSettingsBeforeSignIn(
                type instanceof OAuthSignIn signIn ? signIn.settingsBeforeSignIn() : List.of());
    }

    @SignedIn
    @GET
    @Path("destinations")
    @Operation(summary = "List destination kinds", description = "With the JSON Schema of each one's settings.")
    public List<WriterDescriptor> destinations() {
        return writers.all().stream().map(w -> w.descriptor()).toList();
    }
}
