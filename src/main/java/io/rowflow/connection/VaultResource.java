package io.rowflow.connection;

import io.quarkus.security.Authenticated;
import io.rowflow.audit.AuditLog;
import io.rowflow.vault.RewrapReport;
import io.rowflow.vault.VaultRewrap;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/vault")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Vault", description = "Master key rotation")
public class VaultResource {
    private final VaultRewrap vault;
    private final AuditLog audit;

    public VaultResource(VaultRewrap vault, AuditLog audit) {
        this.vault = vault;
        this.audit = audit;
    }

    @POST
    @Path("rewrap")
    @RequiresRole(Role.OWNER)
    @Operation(summary = "Re-wrap every stored secret with the current master key", description = "The rotation"
            + " command: after the new key is configured (the old one in previous-master-keys), this re-wraps every"
            + " secret still wrapped by an old key, while the server keeps serving. Each node also does it at start-up."
            + " Answers how many secrets were checked, re-wrapped and unreadable. Safe to repeat.")
    public RewrapReport rewrap() {
        RewrapReport report = vault.rewrapAll();
        audit.record("vault.rewrapped", null, report.rewrapped() + " of " + report.checked() + " secret(s) re-wrapped");
        return report;
    }
}
