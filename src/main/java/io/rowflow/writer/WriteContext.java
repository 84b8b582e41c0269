package io.rowflow.writer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.function.BooleanSupplier;

/**
 * What a writer gets for one run: its settings (defaults filled in), the staging database to read rows from, the
 * destination's own folder for file outputs, a way to notice cancellation, the fence to pass right before the
 * write becomes visible (it throws when the run has been taken over by another node meanwhile), and the id of this
 * write (the run's), so that a write that already happened is not done twice.
 */
public record WriteContext(JsonNode settings, Connection staging, Path folder, BooleanSupplier cancelled, Runnable fence,
        String writeId) {
    /** A context without a fence or write id, for writes outside a leased run (benchmarks, tests). */
    public WriteContext(JsonNode settings, Connection staging, Path folder, BooleanSupplier cancelled) {
        this(settings, staging, folder, cancelled, () -> {
        }, null);
    }
}
