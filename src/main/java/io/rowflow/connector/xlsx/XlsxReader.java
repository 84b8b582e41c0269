package io.rowflow.connector.xlsx;

import io.rowflow.common.error.DataException;
import io.rowflow.pipeline.ColumnNames;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.pipeline.RecordSink;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.exceptions.NotOfficeXmlFileException;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.exceptions.OLE2NotOfficeXmlFileException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads one sheet of an .xlsx file as records, streaming: the sheet's XML is parsed with SAX, a row at a time, and
 * never becomes a workbook in memory (XSSFWorkbook would hold every cell). What is held whole: the shared strings (each
 * distinct text once) and the styles. Values take the cells' own types: a number is an exact Long or BigDecimal of the
 * 15 significant digits Excel keeps and shows (so a cached 0.30000000000000004 of =0.1+0.2 reads 0.3); a number in a
 * date format is a date ({@code 2024-01-15}) or, if its format shows a time, a timestamp ({@code 2024-01-15T10:30:00},
 * no zone: Excel has none); a time-only format gives {@code 10:30:00} text; booleans are Booleans; a formula gives the
 * result Excel cached when the file was saved; an error cell its text ({@code #DIV/0!}); an empty cell null.
 */
public final class XlsxReader {
    /** What to read: a sheet by name (null: the first), an A1 range (null: all of it), the header row (null: the first row read; 0: none). */
    public record Settings(String sheet, String range, Integer headerRow) {
    }

    private static final MathContext EXCEL_DIGITS = new MathContext(15, RoundingMode.HALF_EVEN);
    private static final Pattern A1_RANGE = Pattern.compile("([A-Za-z]{1,3})([1-9][0-9]{0,6})?(?::([A-Za-z]{1,3})([1-9][0-9]{0,6})?)?");
    private static final Pattern CELL_REF = Pattern.compile("([A-Z]{1,3})([0-9]+)");
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
    private static final DateTimeFormatter TIME_SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter TIME_MILLIS = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private XlsxReader() {
    }

    /** The rectangle read, 1-based and inclusive; open ends are Integer.MAX_VALUE. */
    record Bounds(int firstColumn, int lastColumn, int firstRow, int lastRow) {
        static final Bounds ALL = new Bounds(1, Integer.MAX_VALUE, 1, Integer.MAX_VALUE);

        boolean contains(int row, int column) {
            return row >= firstRow && row <= lastRow && column >= firstColumn && column <= lastColumn;
        }
    }

    /** "B3:F200", "B:F" (whole columns), "B3" (one cell); letters are case-insensitive. */
    static Bounds bounds(String range) {
        if (range == null || range.isBlank()) {
            return Bounds.ALL;
        }
        Matcher m = A1_RANGE.matcher(range.strip().replace("$", ""));
        if (!m.matches() || (m.group(3) == null && m.group(2) == null)) {
            throw new DataException("The range \"" + range + "\" is not in A1 notation: write it like B3:F200 (from"
                    + " cell B3 to cell F200) or B:F (whole columns)");
        }
        int firstColumn = column(m.group(1).toUpperCase(java.util.Locale.ROOT));
        int firstRow = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        if (m.group(3) == null) {
            return new Bounds(firstColumn, firstColumn, firstRow, firstRow);
        }
        int lastColumn = column(m.group(3).toUpperCase(java.util.Locale.ROOT));
        int lastRow = m.group(4) == null ? Integer.MAX_VALUE : Integer.parseInt(m.group(4));
        if (lastColumn < firstColumn || lastRow < firstRow) {
            throw new DataException("The range \"" + range + "\" ends before it starts: write the top-left cell first"
                    + " (B3:F200)");
        }
        return new Bounds(firstColumn, lastColumn, firstRow, lastRow);
    }

    /** "A" → 1, "Z" → 26, "AA" → 27. */
    static int column(String letters) {
        int n = 0;
        for (char c : letters.toCharArray()) {
            n = n * 26 + (c - 'A' + 1);
        }
        return n;
    }

    /** 1 → "A", 27 → "AA". */
    static String letters(int column) {
        StringBuilder out = new StringBuilder();
        for (int n = column; n > 0; n = (n - 1) / 26) {
            out.insert(0, (char) ('A' + (n - 1) % 26));
        }
        return out.toString();
    }

    /** Reads the sheet the settings name from the file into the sink. */
    public static void read(Path file, Settings settings, RecordSink sink) throws IOException {
        Bounds bounds = bounds(settings.range());
        Integer headerRow = settings.headerRow();
        if (headerRow != null && headerRow > 0 && (headerRow < bounds.firstRow() || headerRow > bounds.lastRow())) {
            throw new DataException("The header row " + headerRow + " lies outside the range " + settings.range()
                    + ": choose a row inside it, or 0 for no header row");
        }
        try (OPCPackage pkg = open(file)) {
            XSSFReader reader = new XSSFReader(pkg);
            boolean date1904 = date1904(reader);
            StylesTable styles = reader.getStylesTable();
            ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(pkg, false);
            XSSFReader.SheetIterator sheets = (XSSFReader.SheetIterator) reader.getSheetsData();
            List<String> names = new ArrayList<>();
            while (sheets.hasNext()) {
                try (InputStream sheet = sheets.next()) {
                    String name = sheets.getSheetName();
                    names.add(name);
                    if (settings.sheet() == null || settings.sheet().isBlank() || settings.sheet().equals(name)) {
                        parse(sheet, new SheetHandler(bounds, headerRow, styles, strings, date1904, sink));
                        return;
                    }
                }
            }
            throw new DataException(names.isEmpty() ? "The workbook has no worksheet to read"
                    : "The workbook has no sheet \"" + settings.sheet() + "\"; its sheets are " + quoted(names)
                            + ". Sheet names are matched exactly, capitals included");
        } catch (OpenXML4JException | SAXException e) {
            throw new DataException("The file is not a readable Excel workbook (.xlsx): " + e.getMessage());
        }
    }

    private static String quoted(List<String> names) {
        return String.join(", ", names.stream().map(n -> "\"" + n + "\"").toList());
    }

    /** Opens the package read-only; anything but an .xlsx (an old .xls, a CSV, a web page) is refused in plain words. */
    static OPCPackage open(Path file) {
        try {
            return OPCPackage.open(file.toFile(), PackageAccess.READ);
        } catch (OLE2NotOfficeXmlFileException e) {
            throw new DataException("The file is an old Excel workbook (.xls); Rowflow reads .xlsx: open it in Excel"
                    + " and save it as \"Excel Workbook (.xlsx)\"");
        } catch (NotOfficeXmlFileException | InvalidFormatException | org.apache.poi.openxml4j.exceptions.InvalidOperationException e) {
            throw new DataException("The file is not an Excel workbook (.xlsx); check that the address or upload is"
                    + " the .xlsx file itself");
        } catch (org.apache.poi.UnsupportedFileFormatException e) {
            throw new DataException("The file is not an Excel workbook (.xlsx): " + e.getMessage());
        }
    }

    /** Checks that a file is an .xlsx workbook with at least one worksheet; throws DataException saying what it is. */
    public static void check(Path file) throws IOException {
        try (OPCPackage pkg = open(file)) {
            XSSFReader reader = new XSSFReader(pkg);
            if (!reader.getSheetsData().hasNext()) {
                throw new DataException("The workbook has no worksheet to read");
            }
        } catch (OpenXML4JException | org.apache.poi.ooxml.POIXMLException e) {
            throw new DataException("The file is not a readable Excel workbook (.xlsx): " + e.getMessage());
        }
    }

    private static void parse(InputStream xml, DefaultHandler handler) throws IOException, SAXException {
        try {
            XMLReader parser = XMLHelper.newXMLReader();
            parser.setContentHandler(handler);
            parser.parse(new InputSource(xml));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("No XML parser", e);
        }
    }

    /** Whether the workbook counts dates from 1904 (old Mac Excel) instead of 1900. */
    private static boolean date1904(XSSFReader reader) throws IOException, OpenXML4JException, SAXException {
        boolean[] found = { false };
        try (InputStream workbook = reader.getWorkbookData()) {
            parse(workbook, new DefaultHandler() {
                @Override
                public void startElement(String uri, String local, String qName, Attributes attributes) {
                    if ("workbookPr".equals(local)) {
                        String value = attributes.getValue("date1904");
                        found[0] = "1".equals(value) || "true".equalsIgnoreCase(value);
                    }
                }
            });
        }
        return found[0];
    }

    /** How a number format shows a number: as a number, a date, a date with a time, or a time of day. */
    enum Shown { NUMBER, DATE, DATE_TIME, TIME }

    static Shown shown(int formatIndex, String format) {
        if (format == null || !DateUtil.isADateFormat(formatIndex, format)) {
            return Shown.NUMBER;
        }
        // Quoted text, escapes, and [colour]/[h] brackets say nothing about the parts shown ([h] and [mm] do: elapsed time).
        String bare = format.replaceAll("\"[^\"]*\"", "").replaceAll("\\\\.", "").replaceAll("\\[(?![hHmMsS]+\\])[^\\]]*\\]", "")
                .toLowerCase(java.util.Locale.ROOT);
        boolean date = bare.indexOf('y') >= 0 || bare.indexOf('d') >= 0 || bare.indexOf('e') >= 0
                || (bare.indexOf('m') >= 0 && bare.indexOf('h') < 0 && bare.indexOf('s') < 0);
        boolean time = bare.indexOf('h') >= 0 || bare.indexOf('s') >= 0;
        return date && time ? Shown.DATE_TIME : date ? Shown.DATE : time ? Shown.TIME : Shown.DATE;
    }

    /** An Excel number as the pipeline takes it: Long when whole, else an exact BigDecimal of 15 significant digits. */
    public static Object number(String text) {
        BigDecimal value;
        try {
            value = new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            return text;
        }
        BigDecimal rounded = value.round(EXCEL_DIGITS).stripTrailingZeros();
        if (rounded.scale() <= 0 && rounded.precision() - rounded.scale() <= 18) {
            return rounded.longValueExact();
        }
        return rounded.scale() < 0 ? rounded.setScale(0) : rounded;
    }

    static Object temporal(double serial, boolean date1904, Shown shown) {
        LocalDateTime at = DateUtil.getLocalDateTime(serial, date1904);
        if (at == null) {
            return null;
        }
        return switch (shown) {
            case DATE -> at.toLocalDate().toString();
            case TIME -> at.format(at.getNano() == 0 ? TIME_SECONDS : TIME_MILLIS);
            case DATE_TIME, NUMBER -> at.format(at.getNano() == 0 ? SECONDS : MILLIS);
        };
    }

    /** The SAX handler of one worksheet: collects a row's cells, then emits the row as a record. */
    private static final class SheetHandler extends DefaultHandler {
        private final Bounds bounds;
        private final Integer headerRow;
        private final StylesTable styles;
        private final ReadOnlySharedStringsTable strings;
        private final boolean date1904;
        private final RecordSink sink;
        private final Map<Integer, Shown> shownByStyle = new HashMap<>();
        private final StringBuilder text = new StringBuilder();
        private final Map<Integer, Object> cells = new LinkedHashMap<>();
        /** The column names by column number, once the header row is read (or the first data row with no header). */
        private Map<Integer, String> names;
        private final ColumnNames taken = new ColumnNames();
        private int row;
        private int nextColumn;
        private int column;
        private String type;
        private int style;
        private String value;
        private boolean inValue;
        private boolean inInline;
        private boolean inPhonetic;

        SheetHandler(Bounds bounds, Integer headerRow, StylesTable styles, ReadOnlySharedStringsTable strings,
                boolean date1904, RecordSink sink) {
            this.bounds = bounds;
            this.headerRow = headerRow;
            this.styles = styles;
            this.strings = strings;
            this.date1904 = date1904;
            this.sink = sink;
        }

        @Override
        public void startElement(String uri, String local, String qName, Attributes attributes) {
            switch (local) {
                case "row" -> {
                    String r = attributes.getValue("r");
                    row = r == null ? row + 1 : Integer.parseInt(r);
                    nextColumn = 1;
                    cells.clear();
                }
                case "c" -> {
                    String ref = attributes.getValue("r");
                    Matcher m = ref == null ? null : CELL_REF.matcher(ref);
                    column = m != null && m.matches() ? column(m.group(1)) : nextColumn;
                    nextColumn = column + 1;
                    type = attributes.getValue("t");
                    String s = attributes.getValue("s");
                    style = s == null ? 0 : Integer.parseInt(s);
                    value = null;
                }
                case "v" -> {
                    inValue = true;
                    text.setLength(0);
                }
                case "is" -> {
                    inInline = true;
                    text.setLength(0);
                }
                case "rPh" -> inPhonetic = true;
                default -> {
                }
            }
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            if (inValue || (inInline && !inPhonetic)) {
                text.append(ch, start, length);
            }
        }

        @Override
        public void endElement(String uri, String local, String qName) throws SAXException {
            switch (local) {
                case "v" -> {
                    inValue = false;
                    value = text.toString();
                }
                case "is" -> {
                    inInline = false;
                    value = text.toString();
                }
                case "rPh" -> inPhonetic = false;
                case "c" -> {
                    if (value != null && bounds.contains(row, column)) {
                        cells.put(column, cellValue());
                    }
                }
                case "row" -> endRow();
                case "sheetData" -> {
                    if (names == null && headerRow != null && headerRow > 0) {
                        throw new DataException("The header row " + headerRow + " is empty or beyond the sheet's last"
                                + " row: choose the row that names the columns, or 0 for none");
                    }
                }
                default -> {
                }
            }
        }

        private Object cellValue() {
            String t = type == null ? "n" : type;
            return switch (t) {
                case "s" -> emptyToNull(strings.getItemAt(Integer.parseInt(value.strip())).getString());
                case "inlineStr", "str" -> emptyToNull(value); // "" (a formula's empty text) is an empty cell, as in CSV
                case "b" -> "1".equals(value.strip()) || "true".equalsIgnoreCase(value.strip());
                case "e" -> value; // #DIV/0!, #N/A…: kept as Excel shows them, not hidden as empty
                case "d" -> value; // an ISO 8601 date cell (strict files); already in the pipeline's form
                default -> numeric();
            };
        }

        private static String emptyToNull(String text) {
            return text == null || text.isEmpty() ? null : text;
        }

        private Object numeric() {
            if (value.isBlank()) {
                return null;
            }
            Shown shown = shownByStyle.computeIfAbsent(style, s -> {
                if (styles == null || s >= styles.getNumCellStyles()) {
                    return Shown.NUMBER;
                }
                XSSFCellStyle cellStyle = styles.getStyleAt(s);
                return cellStyle == null ? Shown.NUMBER : shown(cellStyle.getDataFormat(), cellStyle.getDataFormatString());
            });
            if (shown != Shown.NUMBER) {
                double serial = Double.parseDouble(value);
                if (DateUtil.isValidExcelDate(serial)) {
                    return temporal(serial, date1904, shown);
                }
            }
            return number(value);
        }

        private void endRow() {
            if (row < bounds.firstRow() || row > bounds.lastRow()) {
                return;
            }
            boolean blank = cells.values().stream().allMatch(v -> v == null || v.toString().isBlank());
            if (names == null) {
                if (headerRow == null) {
                    if (!blank) {
                        header(); // the first row holding anything names the columns
                    }
                    return;
                }
                if (headerRow > 0) {
                    if (row < headerRow) {
                        return; // titles and notes above the header
                    }
                    if (row > headerRow || blank) {
                        throw new DataException("The header row " + headerRow + " is empty: choose the row that names"
                                + " the columns, or 0 for none");
                    }
                    header();
                    return;
                }
                names = new LinkedHashMap<>();
            }
            if (cells.values().stream().allMatch(v -> v == null)) {
                return; // a row holding only formatting
            }
            Map<String, Object> record = new LinkedHashMap<>();
            for (String name : names.values()) {
                record.put(name, null);
            }
            for (Map.Entry<Integer, Object> cell : cells.entrySet()) {
                String name = names.computeIfAbsent(cell.getKey(), c -> taken.unique(letters(c)));
                record.put(name, cell.getValue());
            }
            sink.accept(record);
        }

        /** Names the columns from this row: each cell's text, or its column's letter where the cell is empty. */
        private void header() {
            names = new LinkedHashMap<>();
            int first = cells.keySet().stream().mapToInt(Integer::intValue).min().orElse(1);
            int last = cells.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            for (int c = first; c <= last; c++) {
                Object v = cells.get(c);
                String name = v == null ? "" : v instanceof BigDecimal d ? d.toPlainString() : v.toString().strip();
                names.put(c, taken.unique(name.isEmpty() ? letters(c) : name));
            }
            sink.accept(ColumnsAnnouncement.of(new ArrayList<>(names.values())));
        }
    }
}
