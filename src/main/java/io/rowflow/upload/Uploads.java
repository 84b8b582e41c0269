package io.rowflow.upload;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.ContentTooLargeException;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.connector.xlsx.XlsxReader;
import io.rowflow.storage.DataFolder;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Files uploaded in the browser, kept in the data folder under {@code uploads/<workspace>/}: the bytes as
 * {@code <id>.xlsx} beside {@code <id>.json} (the original name, size and time). A file is looked up only inside the
 * folder of the workspace asking, by an id that must be a UUID, so one workspace can never reach another's uploads
 * (nor anything else by a crafted id). Only .xlsx workbooks are kept: a file is checked to open as one before it is
 * stored.
 */
@ApplicationScoped
public class Uploads {
    public static final String FOLDER = "uploads";
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    /** What the API says of an upload: its id (the source's {@code upload} setting), name, size in bytes and time. */
    public record Upload(UUID id, String name, long size, Instant uploadedAt) {
    }

    private final DataFolder data;
    private final long maxBytes;
    private final Clock clock;

    @jakarta.inject.Inject
    public Uploads(DataFolder data, UploadConfig config) {
        this(data, config.maxSize().asLongValue(), Clock.systemUTC());
    }

    public Uploads(DataFolder data, long maxBytes, Clock clock) {
        this.data = data;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Stores the body as an upload of the workspace; refuses one over the size limit (413) or not an .xlsx (422). */
    public Upload store(UUID workspace, String name, InputStream body) {
        UUID id = UUID.randomUUID();
        Path folder = data.ensure(data.root().resolve(FOLDER).resolve(workspace.toString()));
        Path part = folder.resolve(id + ".part");
        try {
            DataFolder.createPrivateFile(part);
            long size = copyCapped(body, part);
            XlsxReader.check(part);
            Upload upload = new Upload(id, displayName(name), size, clock.instant());
            Path meta = DataFolder.createPrivateFile(folder.resolve(id + ".json"));
            JSON.writeValue(meta.toFile(), upload);
            Files.move(part, folder.resolve(id + ".xlsx"), StandardCopyOption.ATOMIC_MOVE);
            return upload;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store the upload in the data folder", e);
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // a leftover .part is never read: only .xlsx files are
            }
        }
    }

    private long copyCapped(InputStream body, Path target) throws IOException {
        long total = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(target)) {
            for (int n; (n = body.read(buffer)) > 0;) {
                total += n;
                if (total > maxBytes) {
                    throw new ContentTooLargeException("The file is larger than " + maxBytes + " bytes, the most an"
                            + " upload may be (rowflow.uploads.max-size); make it smaller, or read it from a URL");
                }
                out.write(buffer, 0, n);
            }
        }
        if (total == 0) {
            throw new DataException("The upload is empty: choose an .xlsx file");
        }
        return total;
    }

    /** The original name, for display only: its last path segment, without control characters, at most 200 characters. */
    static String displayName(String name) {
        String bare = name == null ? "" : name.replace('\\', '/');
        bare = bare.substring(bare.lastIndexOf('/') + 1).replaceAll("\\p{Cntrl}", "").strip();
        if (bare.isEmpty()) {
            return "upload.xlsx";
        }
        return bare.length() > 200 ? bare.substring(0, 200) : bare;
    }

    /** The upload's description, if the workspace holds it. */
    public Optional<Upload> find(UUID workspace, String id) {
        Optional<Path> meta = path(workspace, id, ".json");
        if (meta.isEmpty() || !Files.isRegularFile(meta.get()) || !Files.isRegularFile(path(workspace, id, ".xlsx").get())) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(meta.get().toFile(), Upload.class));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the upload's description " + meta.get(), e);
        }
    }

    /** The uploaded file, for a source reading it; a plain error if the workspace holds no such upload. */
    public Path file(UUID workspace, String id) {
        if (workspace == null) {
            throw new IllegalStateException("An upload is read only on behalf of a workspace");
        }
        Optional<Path> file = path(workspace, id, ".xlsx");
        if (file.isEmpty() || !Files.isRegularFile(file.get())) {
            throw new NotFoundException("The uploaded file " + id + " is not in this workspace (it may have been"
                    + " uploaded in another one): upload the file again in the source's settings");
        }
        return file.get();
    }

    private Optional<Path> path(UUID workspace, String id, String suffix) {
        UUID parsed;
        try {
            parsed = UUID.fromString(id == null ? "" : id.strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(data.root().resolve(FOLDER).resolve(workspace.toString()).resolve(parsed + suffix));
    }
}
