package io.rowflow.connector.sample;

import io.rowflow.common.error.DataException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Made-up deals and orders shipped inside Rowflow, so that a first flow can be tried before any account is connected:
 * no credentials, no network. The values are typed as a CSV file's are (money as exact decimals, dates, timestamps).
 */
@ApplicationScoped
public class SampleDataSource implements SourceConnector {
    public static final String ID = "sample-data";
    static final List<String> STREAMS = List.of("deals", "orders");
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/sample-data.json");

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(ID, "Sample data", "samples", "none", SCHEMA.document(), STREAMS);
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public TextInference textInference() {
        return TextInference.ALL;
    }

    @Override
    public void read(SourceContext context, RecordSink sink) {
        String stream = context.stream() == null ? STREAMS.get(0) : context.stream();
        if (!STREAMS.contains(stream)) {
            throw new DataException("Sample data has no table \"" + stream + "\"; it has " + String.join(" and ", STREAMS));
        }
        try (InputStream in = SampleDataSource.class.getResourceAsStream("/sample-data/" + stream + ".csv");
                CSVParser parser = CSVParser.parse(new InputStreamReader(in, StandardCharsets.UTF_8),
                        CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get())) {
            List<String> names = parser.getHeaderNames();
            sink.accept(ColumnsAnnouncement.of(names));
            for (CSVRecord record : parser) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (String name : names) {
                    row.put(name, record.get(name));
                }
                sink.accept(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The sample data could not be read", e);
        }
    }
}
