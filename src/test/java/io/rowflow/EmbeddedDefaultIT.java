package io.rowflow;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.download;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.rowflow.testing.FakeApi;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * The packaged application started as README says, with no configuration: it runs on the embedded database in its
 * data folder and carries a flow from a CSV URL to a workbook.
 */
@QuarkusIntegrationTest
class EmbeddedDefaultIT {
    @Test
    void theEmbeddedDefaultRunsAFlowEndToEnd() throws Exception {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks[0].data.embedded", equalTo("UP"));
        FakeApi api = FakeApi.shared();
        api.putFile("/files/smoke.csv", "city,people\nBerlin,3850809\nKöln,1084831\n");
        String flow = createExcelFlow(createConnection("csv-url", Map.of("url", api.url("/files/smoke.csv"))),
                Map.of("sheetName", "Cities"));
        runSucceeds(flow);
        try (XSSFWorkbook workbook = new XSSFWorkbook(new ByteArrayInputStream(download(flow)))) {
            assertThat(workbook.getSheet("Cities").getRow(2).getCell(0).getStringCellValue()).isEqualTo("Köln");
            assertThat(workbook.getSheet("Cities").getRow(1).getCell(1).getNumericCellValue()).isEqualTo(3850809.0);
        }
        Path data = Path.of(System.getProperty("it.data-dir", "target/it-data"));
        assertThat(data.resolve("db/rowflow.mv.db")).exists();
        assertThat(Files.readString(data.resolve("master.key")).trim()).hasSize(44);
    }
}
