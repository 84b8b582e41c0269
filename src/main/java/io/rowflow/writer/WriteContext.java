package io.rowflow.writer;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.connector.ConnectionAccess;
import io.rowflow.pipeline.StagedTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.function.BooleanSupplier;

/**
 * What a writer gets for one run: its settings (defaults filled in), the staging database to read rows from, the
 * destination's own folder for file outputs, a way to notice cancellation, the fence to pass right before the
 * write becomes visible (it throws when the run has been taken over by another node meanwhile), the id of this
 * write (the run's), so that a write that already happened is not done twice, and the records the source says were
 * deleted since the last run ({@code deleted}: null when there are none or the source cannot tell), shaped by the
 * flow's transform into the same columns as the rows to write, so that a writer updating by key can remove them;
 * and {@code connection}, the account it writes through when its descriptor names a connection type (else null).
 */
public record WriteContext(JsonNode settings, Connection staging, Path folder, BooleanSupplier cancelled, Runnable fence,
        String writeId, StagedTable deleted, ConnectionAccess connection) {
    public WriteContext(JsonNode settings, Connection staging, Path folder, BooleanSupplier cancelled, Runnable fence,
            String writeId, StagedTable deleted) {
        this(settings, staging, folder, cancelled, fence, writeId, deleted, null);
    }

    /**
     * The same, writing through {@code access}: the connection the settings name, resolved (secrets, tokens) by the
     * run, for a destination whose descriptor names a connection type.
     */
    public WriteContext withConnection(ConnectionAccess access) {
        return new WriteContext(settings, staging, folder, cancelled, fence, writeId, deleted, access);
    }

    public WriteContext(JsonNode settings, Connection staging, Path folder, BooleanSupplier cancelled, Runnable fence,
            String writeId) {
        this(settings, staging, folder, cancelled, fence, writeId, null, null);
    }

    /** A context without a fence or write id, for writes outside a leased run (benchmarks, tests). */
    public WriteContext(JsonNode settings, Connection staging, Path folder, BooleanSupplier cancelled) {
        this(settings, staging, folder, cancelled, () -> {
        }, null, null, null);
    }
}
