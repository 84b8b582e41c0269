package io.rowflow.writer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.function.BooleanSupplier;

/**
 * What a writer gets for one run: its settings (defaults filled in), the staging database to read rows from, the
 * destination's own folder for file outputs, and a way to notice cancellation.
 */
public record WriteContext(JsonNode settings, Connection staging, Path folder, BooleanSupplier cancelled) {
}
