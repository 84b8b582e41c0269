package io.rowflow.connector;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.http.SafeHttpClient;

/** What a source needs for one read: its settings (secrets included, decrypted) and the HTTP client to use. */
public record SourceContext(JsonNode config, SafeHttpClient http) {
}
