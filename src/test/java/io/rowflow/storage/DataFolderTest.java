package io.rowflow.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data folder is private to Rowflow's account: folders 0700, files 0600, old installations included. */
class DataFolderTest {
    @TempDir
    Path temp;

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void foldersItCreatesAre0700UpToTheDataFolder() throws Exception {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = temp.resolve("data");
        DataFolder folder = new DataFolder(() -> root);
        UUID run = UUID.randomUUID();
        Path runDir = folder.runDir(run, 1);
        Path files = folder.destinationDir(UUID.randomUUID(), 0);
        Path preview = folder.folder("preview-cache");

        assertThat(mode(root)).isEqualTo("rwx------");
        assertThat(mode(root.resolve("runs"))).isEqualTo("rwx------");
        assertThat(mode(runDir)).isEqualTo("rwx------");
        assertThat(mode(files)).isEqualTo("rwx------");
        assertThat(mode(files.getParent())).isEqualTo("rwx------");
        assertThat(mode(root.resolve("files"))).isEqualTo("rwx------");
        assertThat(mode(preview)).isEqualTo("rwx------");
        assertThat(mode(temp)).as("the parent of the data folder is not Rowflow's to change")
                .isEqualTo("rwxr-xr-x");
    }

    @Test
    void aPrivateFileIsCreated0600() throws Exception {
        Path file = DataFolder.createPrivateFile(temp.resolve("secret"));
        Files.writeString(file, "x");
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void atStartUpAnExistingFolderAndItsFilesBecomePrivate() throws Exception {
        Path root = temp.resolve("data");
        Path db = Files.createDirectories(root.resolve("db"));
        Path h2 = Files.writeString(db.resolve("rowflow.mv.db"), "h2");
        Path key = Files.writeString(root.resolve("master.key"), "key");
        Path workbook = Files.writeString(Files.createDirectories(root.resolve("files/f/0")).resolve("workbook.xlsx"), "x");
        Path notOurs = Files.writeString(root.resolve("README.txt"), "someone else's");
        Files.setPosixFilePermissions(notOurs, PosixFilePermissions.fromString("rw-r--r--"));
        for (Path p : new Path[] { root, db, root.resolve("files"), root.resolve("files/f"), root.resolve("files/f/0") }) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (Path p : new Path[] { h2, key, workbook }) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }

        new DataFolder(() -> root).restrictAll();

        for (Path p : new Path[] { root, db, root.resolve("files"), root.resolve("files/f"), root.resolve("files/f/0") }) {
            assertThat(mode(p)).as(p.toString()).isEqualTo("rwx------");
        }
        for (Path p : new Path[] { h2, key, workbook }) {
            assertThat(mode(p)).as(p.toString()).isEqualTo("rw-------");
        }
        assertThat(mode(notOurs)).as("a file Rowflow did not make is left alone").isEqualTo("rw-r--r--");
    }
}
