package io.rowflow.storage;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The layout of the data folder, in one place. Everything in it is private to the account Rowflow runs as: folders
 * 0700, files 0600 (the embedded database, the master key, run staging databases and spill files, written workbooks,
 * preview extracts, uploaded files). Java cannot set the process umask, so folders are created with their mode, files Rowflow writes
 * itself are created 0600 ({@link #createPrivateFile}), and at start-up the folder and what Rowflow keeps in it
 * ({@link #OWN}) are brought to these modes (an upgrade from a version that left files 0644, files the embedded
 * database created). Files a library creates
 * inside (DuckDB's database and spill files) keep the library's mode, but sit in 0700 folders no one else can enter.
 */
@ApplicationScoped
public class DataFolder {
    private static final Logger LOG = Logger.getLogger(DataFolder.class);
    public static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    /** What Rowflow keeps in the data folder: the embedded database, the generated key, run and preview scratch, files. */
    static final java.util.List<String> OWN = java.util.List.of("db", "master.key", "runs", "files", "preview-cache", "uploads",
            "scratch");

    private final Path root;

    public DataFolder(StorageConfig config) {
        this.root = config.dataDir().toAbsolutePath().normalize();
    }

    /** At start-up: the data folder and everything already in it become private (folders 0700, files 0600). */
    void onStart(@Observes StartupEvent event) {
        restrictAll();
    }

    /**
     * Sets the data folder and what Rowflow keeps in it ({@link #OWN}) to 0700 for folders and 0600 for files; what
     * cannot be changed is logged, not fatal. Anything else in the folder is left alone: a data folder pointed at a
     * shared place must not have its other files' modes changed.
     */
    public void restrictAll() {
        Path top = ensure(root);
        for (String own : OWN) {
            Path entry = top.resolve(own);
            if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
                restrictTree(entry);
            }
        }
    }

    private static void restrictTree(Path top) {
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    restrict(dir, FOLDER_MODE);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        restrict(file, FILE_MODE);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // deleted meanwhile (a run's scratch files), or unreadable
                }
            });
        } catch (IOException e) {
            LOG.warnf("Could not make the data folder %s private: %s", top, e.getMessage());
        }
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

    /** A folder under the data folder (e.g. the preview cache), created 0700 with any missing parent. */
    public Path folder(String name) {
        return ensure(root.resolve(name));
    }

    /** The folder of every file a flow's destinations wrote (it may not exist). */
    public Path flowFiles(UUID flowId) {
        return root.resolve("files").resolve(flowId.toString());
    }

    /** The folder holding every run's scratch folder (it may not exist). */
    public Path runsFolder() {
        return root.resolve("runs");
    }

    private Path destinationPath(UUID flowId, int destinationIndex) {
        return root.resolve("files").resolve(flowId.toString()).resolve(Integer.toString(destinationIndex));
    }

    /** Creates {@code dir} and its missing parents 0700; those up to the data folder that exist already become 0700. */
    public Path ensure(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(target, folderAttribute());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the data folder " + dir, e);
        }
        for (Path p = target; p != null && p.startsWith(root); p = p.getParent()) {
            restrict(p, FOLDER_MODE);
        }
        return target;
    }

    /** Creates an empty file readable and writable by Rowflow's account only (0600); fails if it exists. */
    public static Path createPrivateFile(Path file) throws IOException {
        if (posix(file)) {
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
        }
        return Files.createFile(file);
    }

    /** Makes an existing file 0600 (e.g. one a library created); ignored where the file system has no POSIX modes. */
    public static void restrictFile(Path file) {
        restrict(file, FILE_MODE);
    }

    private static void restrict(Path path, Set<PosixFilePermission> mode) {
        try {
            if (!Files.isSymbolicLink(path) && !mode.equals(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS))) {
                Files.setPosixFilePermissions(path, mode);
            }
        } catch (UnsupportedOperationException notPosix) {
            // Windows and the like: the folder's access control list applies.
        } catch (java.nio.file.NoSuchFileException gone) {
            // deleted meanwhile
        } catch (IOException e) {
            LOG.warnf("Could not restrict %s to %s: %s", path, PosixFilePermissions.toString(mode), e.getMessage());
        }
    }

    private static FileAttribute<?>[] folderAttribute() {
        return posix(Path.of("").toAbsolutePath()) ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(FOLDER_MODE) }
                : new FileAttribute<?>[0];
    }

    private static boolean posix(Path anywhere) {
        return anywhere.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
