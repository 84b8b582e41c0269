package io.rowflow.connector.xlsx;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.error.DataException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.Origin;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import io.rowflow.storage.DataFolder;
import io.rowflow.upload.Uploads;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One sheet of an Excel workbook (.xlsx), from a file uploaded to the workspace or from a URL. A download goes through
 * the guarded HTTP client (SSRF checks, size cap, timeouts) into a private scratch file first, since a zip file is read
 * from its end; either way the sheet is then streamed by {@link XlsxReader}, never loaded whole.
 */
@ApplicationScoped
public class XlsxSource implements SourceConnector {
    public static final String ID = "xlsx";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/xlsx.json");

    private final Uploads uploads;
    private final DataFolder data;

    public XlsxSource(Uploads uploads, DataFolder data) {
        this.uploads = uploads;
        this.data = data;
    }

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(ID, "Excel file (.xlsx)", "files", "none", SCHEMA.document(), List.of("rows"));
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public Optional<Origin> origin(JsonNode config) {
        return Origin.parse(config == null ? null : config.path("url").asText(null));
    }

    @Override
    public TextInference textInference() {
        // Cells are typed by the workbook; only the dates this reader writes as ISO text are recognised.
        return TextInference.TEMPORAL_ONLY;
    }

    @Override
    public void read(SourceContext context, RecordSink sink) {
        JsonNode config = context.config();
        String upload = config.path("upload").asText("").strip();
        String url = config.path("url").asText("").strip();
        if (!upload.isEmpty() && !url.isEmpty()) {
            throw new DataException("Give the workbook either as an upload or as a URL, not both: clear one of the two"
                    + " settings");
        }
        XlsxReader.Settings settings = new XlsxReader.Settings(blankToNull(config.path("sheet").asText(null)),
                blankToNull(config.path("range").asText(null)),
                config.hasNonNull("headerRow") ? config.get("headerRow").asInt() : null);
        try {
            if (!upload.isEmpty()) {
                XlsxReader.read(uploads.file(context.workspaceId(), upload), settings, sink);
            } else if (!url.isEmpty()) {
                readFromUrl(context.http(), URI.create(url), config, settings, sink);
            } else {
                throw new DataException("Upload the .xlsx file, or give its URL, in the source's settings");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readFromUrl(SafeHttpClient http, URI uri, JsonNode config, XlsxReader.Settings settings, RecordSink sink)
            throws IOException {
        Path scratch = Files.createTempFile(data.folder("scratch"), "download-", ".xlsx");
        DataFolder.restrictFile(scratch);
        try {
            http.execute(HttpRequestSpec.get(uri, headers(config)), body -> {
                if (body.isWebPage()) {
                    throw new DataException("The address answered with a web page (HTML), not an .xlsx file: the link"
                            + " may have expired or need a sign-in. Open " + SafeHttpClient.redact(body.uri()) + " in a"
                            + " browser to check, and use a direct download link to the file. Nothing was written.");
                }
                try (InputStream in = body.stream()) {
                    Files.copy(in, scratch, StandardCopyOption.REPLACE_EXISTING);
                }
                return null;
            });
            XlsxReader.read(scratch, settings, sink);
        } finally {
            Files.deleteIfExists(scratch);
        }
    }

    private static Map<String, String> headers(JsonNode config) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, */*;q=0.5");
        config.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        return headers;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
