package io.rowflow.writer;

import com.fasterxml.jackson.databind.JsonNode;

/** What the catalog says about a destination kind: its stable id and the JSON Schema of its settings. */
public record WriterDescriptor(String id, String name, String category, String authType, JsonNode configSchema) {
}
