package io.rowflow.upload;

import static io.restassured.RestAssured.given;
import static io.rowflow.testing.Api.createConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/**
 * Uploading an .xlsx in the browser's way (the file's bytes as the body) and reading it as a source: stored in the
 * workspace's own folder, typed values in the preview, and out of reach of another workspace. The test profile caps
 * uploads at 6M (rowflow.uploads.max-size), above the 2M every other request body is limited to.
 */
@QuarkusTest
class XlsxUploadTest {
    private static byte[] orders() throws IOException {
        try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            CellStyle date = book.createCellStyle();
            date.setDataFormat(book.createDataFormat().getFormat("d mmm yyyy"));
            book.createSheet("Notes").createRow(0).createCell(0).setCellValue("see the Orders sheet");
            Sheet sheet = book.createSheet("Orders");
            sheet.createRow(0).createCell(0).setCellValue("Orders export");
            Row header = sheet.createRow(2);
            List.of("id", "ordered", "net", "vat", "gross", "paid").forEach(n -> header.createCell(header.getPhysicalNumberOfCells()).setCellValue(n));
            Object[][] rows = { { 1, LocalDate.of(2026, 3, 1), 0.1, 0.2, true }, { 2, LocalDate.of(2026, 3, 2), 19.99, 3.8, false },
                    { 3, LocalDate.of(2026, 2, 28), 1000.0, 190.0, true } };
            for (int i = 0; i < rows.length; i++) {
                Row row = sheet.createRow(3 + i);
                row.createCell(0).setCellValue((Integer) rows[i][0]);
                row.createCell(1).setCellValue((LocalDate) rows[i][1]);
                row.getCell(1).setCellStyle(date);
                row.createCell(2).setCellValue((Double) rows[i][2]);
                row.createCell(3).setCellValue((Double) rows[i][3]);
                row.createCell(4).setCellFormula("C" + (4 + i) + "+D" + (4 + i));
                row.createCell(5).setCellValue((Boolean) rows[i][4]);
            }
            book.getCreationHelper().createFormulaEvaluator().evaluateAll();
            book.write(out);
            return out.toByteArray();
        }
    }

    private static String upload(byte[] file, String name) {
        return given().contentType("application/octet-stream").queryParam("name", name).body(file)
                .post("/api/v1/uploads").then().statusCode(201).body("name", equalTo(name))
                .body("size", equalTo(file.length)).extract().path("id");
    }

    private static Map<String, Object> previewRequest(String connection) {
        return Map.of("name", "xlsx", "sources", List.of(Map.of("connectionId", connection)), "destinations",
                List.of(Map.of("type", "excel")));
    }

    @Test
    void anUploadedWorkbookIsReadTypedAndOnlyInItsWorkspace() throws IOException {
        byte[] file = orders();
        String id = upload(file, "orders.xlsx");
        given().get("/api/v1/uploads/" + id).then().statusCode(200).body("name", equalTo("orders.xlsx"))
                .body("size", equalTo(file.length));
        String workspace = given().get("/api/v1/workspaces").then().statusCode(200).extract().path("[0].id");
        Path stored = Path.of("target/test-data/uploads", workspace, id + ".xlsx");
        assertThat(stored).exists();
        assertThat(Files.readAllBytes(stored)).isEqualTo(file);

        String connection = createConnection("xlsx", Map.of("upload", id, "sheet", "Orders", "headerRow", 3));
        given().contentType(ContentType.JSON).body(previewRequest(connection))
                .post("/api/v1/flows/preview?step=sources[0]").then().statusCode(200)
                .body("totalRows", equalTo(3))
                .body("columns.name", equalTo(List.of("id", "ordered", "net", "vat", "gross", "paid")))
                .body("columns.type", equalTo(List.of("integer", "date", "decimal", "decimal", "decimal", "boolean")))
                .body("rows", equalTo(List.of(List.of(1, "2026-03-01", "0.10", "0.2", "0.30", true),
                        List.of(2, "2026-03-02", "19.99", "3.8", "23.79", false),
                        List.of(3, "2026-02-28", "1000.00", "190.0", "1190.00", true))));

        // Another workspace of the same person: the upload is not there, by id or through a connection.
        String other = given().contentType(ContentType.JSON).body(Map.of("name", "other team"))
                .post("/api/v1/workspaces").then().statusCode(201).extract().path("id");
        given().header("Rowflow-Workspace", other).get("/api/v1/uploads/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        String foreign = given().header("Rowflow-Workspace", other).contentType(ContentType.JSON)
                .body(Map.of("name", "borrowed", "connectorId", "xlsx", "config", Map.of("upload", id)))
                .post("/api/v1/connections").then().statusCode(201).extract().path("id");
        JsonPath check = given().header("Rowflow-Workspace", other).post("/api/v1/connections/" + foreign + "/check")
                .then().statusCode(200).extract().jsonPath();
        assertThat(check.getBoolean("ok")).isFalse();
        assertThat(check.getString("message")).isEqualTo("The uploaded file " + id + " is not in this workspace (it"
                + " may have been uploaded in another one): upload the file again in the source's settings");
        given().header("Rowflow-Workspace", other).contentType(ContentType.JSON).body(previewRequest(foreign))
                .post("/api/v1/flows/preview?step=sources[0]").then().statusCode(404)
                .body("detail", containsString("is not in this workspace"));
        // A crafted id reaches nothing either.
        given().get("/api/v1/uploads/..%2F" + other).then().statusCode(404);
    }

    @Test
    void whatIsNotAnXlsxOrTooLargeIsRefusedAsAProblem() throws IOException {
        given().contentType("application/octet-stream").queryParam("name", "data.csv")
                .body("id,amount\n1,2.50\n".getBytes(StandardCharsets.UTF_8)).post("/api/v1/uploads").then()
                .statusCode(422).contentType("application/problem+json")
                .body("detail", equalTo("The file is not an Excel workbook (.xlsx); check that the address or upload is"
                        + " the .xlsx file itself"));
        given().contentType("application/octet-stream").body(new byte[0]).post("/api/v1/uploads").then()
                .statusCode(422).body("detail", equalTo("The upload is empty: choose an .xlsx file"));
        // Refused from its announced length, before a byte of the body is read (Uploads also stops a body that keeps
        // coming past the cap without announcing its length: UploadsTest).
        String refused = rawHead("POST /api/v1/uploads?name=big.xlsx HTTP/1.1\r\nHost: localhost\r\nContent-Type:"
                + " application/octet-stream\r\nContent-Length: 7340032\r\n\r\n");
        assertThat(refused).startsWith("HTTP/1.1 413 ").containsIgnoringCase("content-type: application/problem+json")
                .contains("\"detail\":\"The file has 7340032 bytes; an upload may have at most 6291456"
                        + " (rowflow.uploads.max-size)\"");
        // Past the 2M every other body is held to, within the upload's own cap: kept.
        byte[] large = wideWorkbook();
        assertThat(large.length).isBetween(2 * 1024 * 1024 + 1, 6 * 1024 * 1024);
        String id = upload(large, "large.xlsx");
        String connection = createConnection("xlsx", Map.of("upload", id));
        given().contentType(ContentType.JSON).body(previewRequest(connection))
                .post("/api/v1/flows/preview?step=sources[0]").then().statusCode(200).body("totalRows", equalTo(70_000));
    }

    /** Sends a request head only (its body announced, not sent) and reads the whole answer. */
    private static String rawHead(String head) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** 70,000 rows of random hexadecimal text, which compresses poorly: a workbook of a few megabytes. */
    private static byte[] wideWorkbook() throws IOException {
        Random random = new Random(7);
        try (SXSSFWorkbook book = new SXSSFWorkbook(100); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = book.createSheet("Data");
            sheet.createRow(0).createCell(0).setCellValue("key");
            for (int i = 1; i <= 70_000; i++) {
                sheet.createRow(i).createCell(0).setCellValue(Long.toHexString(random.nextLong())
                        + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
            }
            book.write(out);
            return out.toByteArray();
        }
    }
}
