package io.rowflow;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.download;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.rowflow.testing.Api;
import io.rowflow.testing.SignedOut;
import io.rowflow.testing.FakeApi;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * The packaged application started as README says, with no configuration: it runs on the embedded database in its
 * data folder, lets the first person set it up, and carries a flow from a CSV URL to a workbook.
 */
@QuarkusIntegrationTest
@SignedOut
class EmbeddedDefaultIT {
    @Test
    void theEmbeddedDefaultRunsAFlowEndToEnd() throws Exception {
        // The web UI is in the jar: its page at / and at its own paths (a reload of /flows/new), its files by name.
        for (String page : java.util.List.of("/", "/flows", "/flows/new", "/connections/abc")) {
            given().accept("text/html").get(page).then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/html"))
                    .body(org.hamcrest.Matchers.containsString("<div id=\"root\"></div>"));
        }
        given().accept("text/html").get("/api/v1/nothing-here").then().statusCode(404);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks[0].data.embedded", equalTo("UP"));
        // No admin is configured: the first person sets Rowflow up, then automates it with an API token.
        if (given().get("/api/v1/auth/setup").then().statusCode(200).extract().<Boolean>path("setupNeeded")) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("email", Api.ADMIN_EMAIL, "name", "Admin", "password", Api.ADMIN_PASSWORD))
                    .post("/api/v1/auth/setup").then().statusCode(201);
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("email", "someone@else.test", "password", "another-password-1"))
                .post("/api/v1/auth/setup").then().statusCode(409);
        given().get("/api/v1/flows").then().statusCode(401);
        RestAssured.requestSpecification = Api.bearer(Api.createToken(Api.ADMIN_EMAIL, Api.ADMIN_PASSWORD));
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
