package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.connector.SourceContext;
import io.rowflow.pipeline.RecordSink;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A stream-level retriever: the manifest names a Java component for a stream YAML cannot express; the component gets
 * the API's address, the authentication and its options, and its records are shaped as the stream declares.
 */
class CustomRetrieverTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Stands for a report API: requested, polled, downloaded; here it answers two rows from what it was given. */
    static final class ReportDownload implements StreamComponent {
        final List<Call> calls = new ArrayList<>();

        @Override
        public String id() {
            return "report-download";
        }

        @Override
        public void read(Call call, RecordSink sink) {
            calls.add(call);
            for (int row = 1; row <= 2; row++) {
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("id", (long) row);
                record.put("attributes.report", call.options().get("report").asText());
                record.put("attributes.total", row * 10L);
                sink.accept(record);
            }
        }
    }

    private static JsonNode yaml(String file) throws Exception {
        try (InputStream in = CustomRetrieverTest.class.getResourceAsStream("/test-connectors/custom-retriever/"
                + file)) {
            return YAML.readTree(in);
        }
    }

    @Test
    void aJavaComponentReadsTheStreamAndItsRecordsAreShapedAsDeclared() throws Exception {
        ReportDownload component = new ReportDownload();
        Manifest manifest = ManifestLoader.load("custom-retriever", yaml("metadata.yaml"), yaml("manifest.yaml"));
        DeclarativeSource source = new DeclarativeSource(manifest, null, new StreamComponents(List.of(component)));
        List<Map<String, Object>> records = new ArrayList<>();
        source.read(new SourceContext(new ObjectMapper().createObjectNode().put("api_token", "t0k3n"), null)
                .withStream("report"), records::add);

        assertThat(records).containsExactly(Map.of("id", 1L, "report", "weekly-sales", "total", 10L),
                Map.of("id", 2L, "report", "weekly-sales", "total", 20L));
        assertThat(component.calls).hasSize(1);
        StreamComponent.Call call = component.calls.get(0);
        assertThat(call.base()).isEqualTo(URI.create("https://api.example.com/v1"));
        assertThat(call.headers()).containsEntry("Authorization", "Bearer t0k3n");
        assertThat(call.since()).isNull();
    }
}
