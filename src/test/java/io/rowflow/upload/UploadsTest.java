package io.rowflow.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rowflow.common.error.ContentTooLargeException;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.storage.DataFolder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload store on its own: the size cap while the bytes stream in, the .xlsx check, and the workspace fence. */
class UploadsTest {
    @TempDir
    Path dir;

    private Uploads uploads(long maxBytes) {
        return new Uploads(new DataFolder(() -> dir), maxBytes, Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"),
                ZoneOffset.UTC));
    }

    private static byte[] workbook() throws IOException {
        try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            book.createSheet("S").createRow(0).createCell(0).setCellValue("a");
            book.write(out);
            return out.toByteArray();
        }
    }

    /** A body of unknown length that keeps coming: it must be cut off at the cap, not read to its end. */
    private static InputStream endless(long[] served) {
        return new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                served[0] += len;
                return len;
            }
        };
    }

    @Test
    void aBodyPastTheCapIsStoppedAndLeavesNothing() throws IOException {
        long[] served = { 0 };
        UUID workspace = UUID.randomUUID();
        assertThatThrownBy(() -> uploads(100_000).store(workspace, "big.xlsx", endless(served)))
                .isInstanceOf(ContentTooLargeException.class).hasMessage("The file is larger than 100000 bytes, the"
                        + " most an upload may be (rowflow.uploads.max-size); make it smaller, or read it from a URL");
        assertThat(served[0]).isLessThan(100_000 + (1 << 16) + 1);
        try (Stream<Path> left = Files.list(dir.resolve("uploads").resolve(workspace.toString()))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void anXlsxIsKeptForItsWorkspaceOnly() throws IOException {
        byte[] file = workbook();
        UUID mine = UUID.randomUUID();
        UUID theirs = UUID.randomUUID();
        Uploads store = uploads(1_000_000);
        Uploads.Upload upload = store.store(mine, "C:\\Users\\ana\\Q1 orders.xlsx", new ByteArrayInputStream(file));
        assertThat(upload.name()).isEqualTo("Q1 orders.xlsx");
        assertThat(upload.size()).isEqualTo(file.length);
        assertThat(upload.uploadedAt()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(Files.readAllBytes(store.file(mine, upload.id().toString()))).isEqualTo(file);
        assertThat(store.find(mine, upload.id().toString())).contains(upload);
        assertThat(store.find(theirs, upload.id().toString())).isEmpty();
        assertThatThrownBy(() -> store.file(theirs, upload.id().toString())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.file(theirs, "../" + mine + "/" + upload.id())).isInstanceOf(NotFoundException.class);
        assertThat(store.find(theirs, "../" + mine + "/" + upload.id())).isEmpty();
    }

    @Test
    void aFileThatIsNotAnXlsxIsNotKept() {
        UUID workspace = UUID.randomUUID();
        assertThatThrownBy(() -> uploads(1_000_000).store(workspace, "notes.txt", new ByteArrayInputStream(
                "just text".getBytes()))).isInstanceOf(DataException.class)
                .hasMessage("The file is not an Excel workbook (.xlsx); check that the address or upload is the .xlsx"
                        + " file itself");
        assertThat(dir.resolve("uploads").resolve(workspace.toString()).toFile().list()).isEmpty();
    }
}
