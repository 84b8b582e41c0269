package io.rowflow.security;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.rowflow.testing.FakeApi;
import io.rowflow.writer.excel.ExcelWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a run and a preview leave in the data folder (target/test-data in tests) is readable by Rowflow's account
 * only: the folders 0700, the workbook, the preview extract and the master key 0600.
 */
@QuarkusTest
class DataFolderPermissionsTest {
    static final Path DATA = Path.of("target/test-data");

    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void aRunsFilesAndFoldersArePrivate() throws Exception {
        FakeApi api = FakeApi.shared();
        api.putFile("/files/modes.csv", "id,name\n1,Ann\n2,Bob\n");
        String connection = createConnection("csv-url", Map.of("url", api.url("/files/modes.csv")));
        String flow = createExcelFlow(connection, Map.of());
        runSucceeds(flow);
        given().post("/api/v1/flows/" + flow + "/preview").then().statusCode(200);

        assertThat(mode(DATA)).isEqualTo("rwx------");
        assertThat(mode(DATA.resolve("runs"))).isEqualTo("rwx------");
        assertThat(mode(DATA.resolve("files"))).isEqualTo("rwx------");
        assertThat(mode(DATA.resolve("files").resolve(flow))).isEqualTo("rwx------");
        assertThat(mode(DATA.resolve("files").resolve(flow).resolve("0"))).isEqualTo("rwx------");
        assertThat(mode(DATA.resolve("files").resolve(flow).resolve("0").resolve(ExcelWriter.FILE_NAME)))
                .isEqualTo("rw-------");
        assertThat(mode(DATA.resolve("master.key"))).isEqualTo("rw-------");

        Path previews = DATA.resolve("preview-cache");
        assertThat(mode(previews)).isEqualTo("rwx------");
        List<Path> extracts;
        try (Stream<Path> s = Files.list(previews)) {
            extracts = s.filter(p -> p.getFileName().toString().endsWith(".duckdb")).toList();
        }
        assertThat(extracts).isNotEmpty();
        for (Path extract : extracts) {
            assertThat(mode(extract)).as(extract.toString()).isEqualTo("rw-------");
        }
    }
}
