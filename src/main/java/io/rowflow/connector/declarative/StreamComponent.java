package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.connector.SourceContext;
import io.rowflow.pipeline.RecordSink;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Java code a manifest names (by its stable id) where declaring is not enough, such as an API whose change feed is a
 * search with a result cap. Implementations are CDI beans; a manifest naming an unknown id stops the start-up.
 */
public interface StreamComponent {
    String id();

    /**
     * Emits the records changed since {@code call.since()}, each flattened as the stream's own requests would give it
     * ({@code properties.name}, …), so the manifest's key, change time, unwrap and labels apply unchanged.
     */
    void readChanges(Call call, RecordSink sink);

    /**
     * What one read gives the component: the API's address, the authentication headers (the OAuth token in them is
     * replaced as it is refreshed), the read's HTTP client and budget, the manifest's options, the stream's fields as
     * discovered (empty if it does not discover them), and the time to read changes from.
     */
    record Call(URI base, Map<String, String> headers, SourceContext context, JsonNode options, List<String> fields,
            Instant since) {
    }
}
