package io.rowflow.connector.xlsx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpSettings;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.storage.DataFolder;
import io.rowflow.testing.FakeHttp;
import io.rowflow.upload.Uploads;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source around the reader: a download through the guarded HTTP client, an upload of the workspace, the settings. */
class XlsxSourceTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private DataFolder data;
    private Uploads uploads;
    private XlsxSource source;
    private byte[] workbook;

    @BeforeEach
    void setUp() throws IOException {
        try (XSSFWorkbook book = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Row header = book.createSheet("Prices").createRow(0);
            header.createCell(0).setCellValue("sku");
            header.createCell(1).setCellValue("price");
            Row row = book.getSheet("Prices").createRow(1);
            row.createCell(0).setCellValue("A-1");
            row.createCell(1).setCellValue(9.95);
            book.write(out);
            workbook = out.toByteArray();
        }
        server = FakeHttp.serve(exchange -> {
            boolean page = exchange.getRequestURI().getPath().equals("/expired.xlsx");
            byte[] body = page ? "<!doctype html><title>Sign in</title>".getBytes(StandardCharsets.UTF_8) : workbook;
            exchange.getResponseHeaders().set("Content-Type", page ? "text/html; charset=utf-8"
                    : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        data = new DataFolder(() -> dir);
        uploads = new Uploads(data, 1_000_000, Clock.systemUTC());
        source = new XlsxSource(uploads, data);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private List<Map<String, Object>> read(ObjectNode config, SafeHttpClient http, UUID workspace) {
        List<Map<String, Object>> records = new ArrayList<>();
        source.read(new SourceContext(config, http).withWorkspace(workspace), r -> {
            if (!(r instanceof ColumnsAnnouncement)) {
                records.add(r);
            }
        });
        return records;
    }

    @Test
    void aDownloadIsReadAndItsScratchFileRemoved() throws IOException {
        ObjectNode config = new ObjectMapper().createObjectNode().put("url", FakeHttp.baseUrl(server) + "/prices.xlsx");
        try (SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults().withAllowedNetworks(List.of("127.0.0.0/8")))) {
            assertThat(read(config, http, null)).containsExactly(Map.of("sku", "A-1", "price", new BigDecimal("9.95")));
            config.put("url", FakeHttp.baseUrl(server) + "/expired.xlsx");
            assertThatThrownBy(() -> read(config, http, null)).isInstanceOf(DataException.class)
                    .hasMessageStartingWith("The address answered with a web page (HTML), not an .xlsx file");
        }
        try (Stream<Path> scratch = Files.list(dir.resolve("scratch"))) {
            assertThat(scratch).isEmpty();
        }
    }

    @Test
    void aPrivateAddressIsRefusedByTheGuard() {
        ObjectNode config = new ObjectMapper().createObjectNode().put("url", FakeHttp.baseUrl(server) + "/prices.xlsx");
        try (SafeHttpClient http = new SafeHttpClient(HttpSettings.defaults())) {
            assertThatThrownBy(() -> read(config, http, null)).hasStackTraceContaining("BlockedAddressException");
        }
    }

    @Test
    void anUploadIsReadOnlyForItsWorkspace() {
        UUID mine = UUID.randomUUID();
        String id = uploads.store(mine, "prices.xlsx", new ByteArrayInputStream(workbook)).id().toString();
        ObjectNode config = new ObjectMapper().createObjectNode().put("upload", id).put("sheet", "Prices");
        assertThat(read(config, null, mine)).containsExactly(Map.of("sku", "A-1", "price", new BigDecimal("9.95")));
        assertThatThrownBy(() -> read(config, null, UUID.randomUUID())).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("is not in this workspace");
        config.put("url", "https://files.example.com/prices.xlsx");
        assertThatThrownBy(() -> read(config, null, mine)).isInstanceOf(DataException.class)
                .hasMessage("Give the workbook either as an upload or as a URL, not both: clear one of the two settings");
        assertThatThrownBy(() -> read(new ObjectMapper().createObjectNode(), null, mine)).isInstanceOf(DataException.class)
                .hasMessage("Upload the .xlsx file, or give its URL, in the source's settings");
    }
}
