package io.rowflow.storage;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** The layout of the data folder, in one place. */
@ApplicationScoped
public class DataFolder {
    private final Path root;

    public DataFolder(StorageConfig config) {
        this.root = config.dataDir().toAbsolutePath().normalize();
    }

    public Path root() {
        return ensure(root);
    }

    /** Scratch space of one run (the DuckDB staging database); deleted when the run ends. */
    public Path runDir(UUID runId, int attempt) {
        // One folder per attempt: with a shared data folder, a node that took a run over never opens the staging
        // database of the node it took it from.
        return ensure(root.resolve("runs").resolve(runId + "." + attempt));
    }

    /** Where the files a destination writes are kept, one folder per flow destination. */
    public Path destinationDir(UUID flowId, int destinationIndex) {
        return ensure(destinationPath(flowId, destinationIndex));
    }

    /** The file a destination wrote last, without creating anything (for downloads). */
    public Path destinationFile(UUID flowId, int destinationIndex, String fileName) {
        return destinationPath(flowId, destinationIndex).resolve(fileName);
    }

    private Path destinationPath(UUID flowId, int destinationIndex) {
        return root.resolve("files").resolve(flowId.toString()).resolve(Integer.toString(destinationIndex));
    }

    private static Path ensure(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data folder " + dir, e);
        }
    }
}
