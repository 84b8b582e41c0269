package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.json.Requester;
import io.rowflow.pipeline.RecordSink;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Java code a manifest names (by its stable id) where declaring is not enough: a stream's whole read
 * ({@code retriever: {component: <id>}}, {@link #read}), or only its changes ({@code incremental.component},
 * {@link #readChanges}), such as an API whose change feed is a search with a result cap. Either way the records go
 * through the stream's shaping (unwrap, labels, list columns) as the declared requests' would. Implementations are
 * CDI beans; a manifest naming an unknown id stops the start-up.
 */
public interface StreamComponent {
    String id();

    /**
     * Emits the records changed since {@code call.since()}, each flattened as the stream's own requests would give it
     * ({@code properties.name}, …), so the manifest's key, change time, unwrap and labels apply unchanged.
     */
    default void readChanges(Call call, RecordSink sink) {
        throw new IllegalStateException("The component " + id() + " reads whole streams, not changes");
    }

    /**
     * Emits every record of the stream, flattened as a declared request would give them; {@code call.since()} is the
     * time to read changes from on an incremental read (null on a full one).
     */
    default void read(Call call, RecordSink sink) {
        throw new IllegalStateException("The component " + id() + " reads changes only, not whole streams");
    }

    /**
     * What one read gives the component: the API's address, the authentication headers (the OAuth token in them is
     * replaced as it is refreshed), the read's HTTP client and budget, the manifest's options, the stream's fields as
     * discovered (empty if it does not discover them), the time to read changes from, and the read's requester: its
     * {@link Requester#query} paces each request as the declared ones are (an API's query cost, its THROTTLED
     * answers asked again).
     */
    record Call(URI base, Map<String, String> headers, SourceContext context, JsonNode options, List<String> fields,
            Instant since, Requester requester) {
    }
}
