package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.http.RequestBudget;
import io.rowflow.http.SafeHttpClient;

/**
 * What a source needs for one read: its settings (secrets included, decrypted), the HTTP client to use, the request
 * budget to draw from before each request (an API's published rate limit, kept proactively), and the stream to read.
 */
public record SourceContext(JsonNode config, SafeHttpClient http, RequestBudget budget, String stream) {
    public SourceContext(JsonNode config, SafeHttpClient http) {
        this(config, http, RequestBudget.UNLIMITED, null);
    }

    public SourceContext withConfig(JsonNode other) {
        return new SourceContext(other, http, budget, stream);
    }

    public SourceContext withBudget(RequestBudget other) {
        return new SourceContext(config, http, other, stream);
    }

    /** The stream to read, of a connector that has several (null: its first). */
    public SourceContext withStream(String name) {
        return new SourceContext(config, http, budget, name);
    }
}
