package io.rowflow.upload;

import io.quarkus.security.Authenticated;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.workspace.RequiresRole;
import io.rowflow.workspace.Role;
import io.rowflow.workspace.WorkspaceScope;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Authenticated
@Path("/api/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Uploads", description = "Files uploaded in the browser for a source to read (an .xlsx workbook)")
public class UploadResource {
    private final Uploads uploads;
    private final WorkspaceScope scope;
    private final AuditLog audit;

    public UploadResource(Uploads uploads, WorkspaceScope scope, AuditLog audit) {
        this.uploads = uploads;
        this.scope = scope;
        this.audit = audit;
    }

    @RequiresRole(Role.EDITOR)
    @POST
    // Any media type: the bytes decide (422 for anything but a workbook), and a caller without credentials gets 401
    // before a media type is looked at, as on every route.
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Upload a file", description = "The body is the file's bytes, whatever its Content-Type (the"
            + " browser's for .xlsx, or application/octet-stream); name is its original name,"
            + " for display. Only .xlsx workbooks are kept (422 otherwise); a file over rowflow.uploads.max-size is"
            + " refused with 413. The id answered is what an Excel source's upload setting names; it is usable only"
            + " in the workspace it was uploaded to.")
    public Response upload(@QueryParam("name") String name, InputStream body, UriInfo uri) {
        Uploads.Upload stored = uploads.store(scope.require(), name, body);
        audit.record("upload.created", "upload:" + stored.id(), stored.name());
        return Response.created(uri.getAbsolutePathBuilder().path(stored.id().toString()).build()).entity(stored).build();
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{id}")
    @Operation(summary = "Describe an upload", description = "Its name, size and time; 404 outside its workspace.")
    public Uploads.Upload get(@PathParam("id") String id) {
        return uploads.find(scope.require(), id).orElseThrow(() -> NotFoundException.of("Upload", id));
    }
}
