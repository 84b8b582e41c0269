package io.rowflow.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * The floor: the least work that turns the same pages into the same workbook. A plain JDK HTTP GET per page, a Jackson
 * streaming parse that knows the 20 columns in advance, and an SXSSF write with the same cell types — no staging, no
 * type discovery, no limits checked, no atomic replace.
 */
final class FloorPipeline {
    private FloorPipeline() {
    }

    static long run(String firstPage, Path target) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        JsonFactory factory = new JsonFactory();
        long rows = 0;
        SXSSFWorkbook workbook = new SXSSFWorkbook(100);
        try {
            SXSSFSheet sheet = workbook.createSheet("Data");
            CellStyle date = workbook.createCellStyle();
            date.setDataFormat(workbook.getCreationHelper().createDataFormat().getFormat("yyyy-mm-dd"));
            CellStyle timestamp = workbook.createCellStyle();
            timestamp.setDataFormat(workbook.getCreationHelper().createDataFormat().getFormat("yyyy-mm-dd hh:mm:ss"));
            boolean header = true;
            String next = firstPage;
            int rowIndex = 1;
            while (next != null) {
                URI uri = URI.create(firstPage).resolve(next);
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                next = null;
                try (InputStream in = response.body(); JsonParser parser = factory.createParser(in)) {
                    parser.nextToken();
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String field = parser.currentName();
                        parser.nextToken();
                        if (field.equals("data")) {
                            while (parser.nextToken() == JsonToken.START_OBJECT) {
                                Row row = sheet.createRow(rowIndex++);
                                int column = 0;
                                Row headerRow = header ? sheet.createRow(0) : null;
                                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                                    if (headerRow != null) {
                                        headerRow.createCell(column).setCellValue(parser.currentName());
                                    }
                                    JsonToken value = parser.nextToken();
                                    Cell cell = row.createCell(column++);
                                    switch (value) {
                                        case VALUE_NUMBER_INT -> {
                                            long n = parser.getLongValue();
                                            if (Math.abs(n) > 999_999_999_999_999L) {
                                                cell.setCellValue(Long.toString(n));
                                            } else {
                                                cell.setCellValue(n);
                                            }
                                        }
                                        case VALUE_NUMBER_FLOAT -> cell.setCellValue(parser.getDoubleValue());
                                        case VALUE_TRUE, VALUE_FALSE -> cell.setCellValue(parser.getBooleanValue());
                                        default -> writeText(cell, parser.getText(), date, timestamp);
                                    }
                                }
                                header = false;
                                rows++;
                            }
                        } else if (field.equals("next")) {
                            next = parser.currentToken() == JsonToken.VALUE_NULL ? null : parser.getText();
                        } else {
                            parser.skipChildren();
                        }
                    }
                }
            }
            Path temp = target.resolveSibling(target.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(temp)) {
                workbook.write(out);
            }
            Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            workbook.close();
            workbook.dispose();
        }
        return rows;
    }

    /** The floor knows which text is a date: the same cells as Rowflow writes, with none of its inference. */
    private static void writeText(Cell cell, String text, CellStyle date, CellStyle timestamp) {
        if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
            cell.setCellValue(LocalDate.parse(text));
            cell.setCellStyle(date);
        } else if (text.length() == 20 && text.charAt(10) == 'T') {
            LocalDateTime utc = OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
            cell.setCellValue(utc);
            cell.setCellStyle(timestamp);
        } else {
            cell.setCellValue(text);
        }
    }
}
