package io.rowflow.run;

import static io.rowflow.run.CsvToExcelTest.assertDate;
import static io.rowflow.run.CsvToExcelTest.assertNumber;
import static io.rowflow.run.CsvToExcelTest.assertText;
import static io.rowflow.testing.Api.createConnection;
import static io.rowflow.testing.Api.createExcelFlow;
import static io.rowflow.testing.Api.download;
import static io.rowflow.testing.Api.runSucceeds;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.rowflow.testing.FakeApi;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A paginated JSON API with nested records, read through every pagination style into a workbook. */
@QuarkusTest
class JsonToExcelTest {
    static final List<String> COLUMNS = List.of("id", "name", "address.city", "address.geo.lat", "tags", "active",
            "created", "day", "amount", "externalId", "code", "note");

    static Stream<Arguments> paginations() {
        return Stream.of(
                Arguments.of("next link in the body", "/json/next-link", "data.items",
                        Map.of("type", "next_link", "nextLinkPath", "links.next")),
                Arguments.of("next link in the Link header", "/json/link-header", "data.items",
                        Map.of("type", "next_link")),
                Arguments.of("offset and limit, server caps the page", "/json/offset", "results",
                        Map.of("type", "offset", "pageSize", 10)),
                Arguments.of("page numbers", "/json/page", "items", Map.of("type", "page")),
                Arguments.of("opaque cursor", "/json/cursor", "records",
                        Map.of("type", "cursor", "cursorPath", "meta.next_cursor", "cursorParam", "cursor")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paginations")
    void everyRecordOfEveryPageArrivesFlattenedAndTyped(String style, String path, String recordsPath,
            Map<String, Object> pagination) throws IOException {
        FakeApi api = FakeApi.shared();
        String connection = createConnection("json-url", Map.of("url", api.url(path), "recordsPath", recordsPath,
                "pagination", pagination));
        String flow = createExcelFlow(connection, Map.of());
        JsonPath run = runSucceeds(flow);
        List<ObjectNode> expected = api.records();
        assertThat(run.getLong("sources[0].rowsRead")).isEqualTo(expected.size());

        try (XSSFWorkbook workbook = new XSSFWorkbook(new ByteArrayInputStream(download(flow)))) {
            XSSFSheet sheet = workbook.getSheet("Data");
            List<String> header = new ArrayList<>();
            sheet.getRow(0).forEach(cell -> header.add(cell.getStringCellValue()));
            assertThat(header).isEqualTo(COLUMNS);
            assertThat(sheet.getLastRowNum()).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                ObjectNode record = expected.get(i);
                Row row = sheet.getRow(i + 1);
                assertNumber(row.getCell(0), record.get("id").asLong());
                assertText(row.getCell(1), record.get("name").asText());
                assertText(row.getCell(2), record.at("/address/city").asText());
                assertNumber(row.getCell(3), record.at("/address/geo/lat").asDouble());
                assertText(row.getCell(4), record.get("tags").toString());
                assertThat(row.getCell(5).getCellType()).isEqualTo(CellType.BOOLEAN);
                assertThat(row.getCell(5).getBooleanCellValue()).isEqualTo(record.get("active").asBoolean());
                assertDate(row.getCell(6), OffsetDateTime.parse(record.get("created").asText()).toLocalDateTime());
                assertDate(row.getCell(7), LocalDateTime.parse(record.get("day").asText() + "T00:00"));
                assertNumber(row.getCell(8), record.get("amount").asDouble());
                assertText(row.getCell(9), Long.toString(record.get("externalId").asLong()));
                assertText(row.getCell(10), record.get("code").asText());
                if (record.get("note").isNull()) {
                    assertThat(row.getCell(11)).isNull();
                } else {
                    assertText(row.getCell(11), record.get("note").asText());
                }
            }
        }
    }
}
