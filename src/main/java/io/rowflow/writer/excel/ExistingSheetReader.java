package io.rowflow.writer.excel;

import io.rowflow.common.error.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.model.SharedStrings;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;

/**
 * Streams the rows of one sheet of an existing workbook, each cell as the Java value it holds (String, Double,
 * Boolean, LocalDate, LocalDateTime), without loading the workbook: appending to a large workbook takes no more
 * memory than writing a new one.
 */
final class ExistingSheetReader {
    private static final XMLInputFactory XML = XMLInputFactory.newFactory();

    static {
        XML.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XML.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    @FunctionalInterface
    interface RowHandler {
        /** One row that has cells; {@code index} is 0-based, {@code values} holds null for empty cells. */
        void row(int index, List<Object> values);
    }

    private ExistingSheetReader() {
    }

    /** Reads every row of {@code sheetName}; returns false when the workbook has no such sheet. */
    static boolean read(Path workbook, String sheetName, RowHandler handler) throws IOException {
        try (OPCPackage pkg = OPCPackage.open(workbook.toFile(), PackageAccess.READ)) {
            XSSFReader reader = new XSSFReader(pkg);
            StylesTable styles = reader.getStylesTable();
            SharedStrings strings = reader.getSharedStringsTable();
            XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
            while (sheets.hasNext()) {
                try (InputStream sheet = sheets.next()) {
                    if (sheets.getSheetName().equals(sheetName)) {
                        parse(sheet, styles, strings, handler);
                        return true;
                    }
                }
            }
            return false;
        } catch (OpenXML4JException | XMLStreamException | RuntimeException e) {
            if (e instanceof DataException data) {
                throw data;
            }
            throw new DataException("The existing workbook cannot be read to append to it (" + e.getMessage()
                    + "); switch the destination to replace once to start a new one. Nothing was written.");
        }
    }

    private static void parse(InputStream sheet, StylesTable styles, SharedStrings strings, RowHandler handler)
            throws XMLStreamException {
        XMLStreamReader xml = XML.createXMLStreamReader(sheet);
        List<Object> row = null;
        int rowIndex = -1;
        int column = -1;
        String type = null;
        int style = -1;
        String value = null;
        StringBuilder inline = new StringBuilder();
        try {
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    switch (xml.getLocalName()) {
                        case "row" -> {
                            row = new ArrayList<>();
                            String r = xml.getAttributeValue(null, "r");
                            rowIndex = r == null ? rowIndex + 1 : Integer.parseInt(r) - 1;
                            column = -1;
                        }
                        case "c" -> {
                            String r = xml.getAttributeValue(null, "r");
                            column = r == null ? column + 1 : new CellReference(r).getCol();
                            type = xml.getAttributeValue(null, "t");
                            String s = xml.getAttributeValue(null, "s");
                            style = s == null ? -1 : Integer.parseInt(s);
                            value = null;
                            inline.setLength(0);
                        }
                        case "v" -> value = xml.getElementText();
                        case "t" -> inline.append(xml.getElementText());
                        default -> {
                            // Formulas, rich-text runs and sheet metadata carry nothing to copy.
                        }
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    if (xml.getLocalName().equals("c")) {
                        while (row.size() <= column) {
                            row.add(null);
                        }
                        row.set(column, cellValue(type, value, inline, style, styles, strings));
                    } else if (xml.getLocalName().equals("row")) {
                        handler.row(rowIndex, row);
                    }
                }
            }
        } finally {
            xml.close();
        }
    }

    private static Object cellValue(String type, String value, StringBuilder inline, int style, StylesTable styles,
            SharedStrings strings) {
        if ("inlineStr".equals(type)) {
            return inline.toString();
        }
        if (value == null) {
            return null;
        }
        if ("s".equals(type)) {
            return strings.getItemAt(Integer.parseInt(value)).getString();
        }
        if ("b".equals(type)) {
            return value.equals("1");
        }
        if ("str".equals(type) || "e".equals(type)) {
            return value;
        }
        double number = Double.parseDouble(value);
        if (style >= 0) {
            XSSFCellStyle cellStyle = styles.getStyleAt(style);
            String format = cellStyle.getDataFormatString();
            if (DateUtil.isADateFormat(cellStyle.getDataFormat(), format) && DateUtil.isValidExcelDate(number)) {
                LocalDateTime timestamp = DateUtil.getLocalDateTime(number);
                return format.toLowerCase().contains("h") ? timestamp : timestamp.toLocalDate();
            }
        }
        return number;
    }
}
