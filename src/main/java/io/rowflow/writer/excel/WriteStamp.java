package io.rowflow.writer.excel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;

/**
 * Which write produced a workbook, kept as a custom document property. A run taken over by another node after it had
 * already written (its first holder froze or died before recording success) finds its own stamp and does not write
 * again: a replace is not redone, an append is not doubled.
 */
final class WriteStamp {
    static final String PROPERTY = "RowflowWrite";

    private WriteStamp() {
    }

    static void set(SXSSFWorkbook workbook, String writeId) {
        workbook.getXSSFWorkbook().getProperties().getCustomProperties().addProperty(PROPERTY, writeId);
    }

    /** The stamp of an existing workbook, or null; reads only its small custom-properties part. */
    static String read(Path workbook) {
        try (ZipFile zip = new ZipFile(workbook.toFile())) {
            ZipEntry entry = zip.getEntry("docProps/custom.xml");
            if (entry == null) {
                return null;
            }
            try (InputStream in = zip.getInputStream(entry)) {
                XMLInputFactory factory = XMLInputFactory.newFactory();
                factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
                XMLStreamReader xml = factory.createXMLStreamReader(in);
                boolean inStamp = false;
                while (xml.hasNext()) {
                    int event = xml.next();
                    if (event == XMLStreamReader.START_ELEMENT && xml.getLocalName().equals("property")) {
                        inStamp = PROPERTY.equals(xml.getAttributeValue(null, "name"));
                    } else if (event == XMLStreamReader.START_ELEMENT && inStamp && xml.getLocalName().equals("lpwstr")) {
                        return xml.getElementText();
                    }
                }
                return null;
            }
        } catch (IOException | XMLStreamException e) {
            return null; // not a workbook we can read: it will be replaced or refused as before
        }
    }
}
