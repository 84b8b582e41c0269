package io.rowflow.pipeline;

/**
 * Limits of a DuckDB staging database: its memory, its threads, and how much it may spill to its own folder
 * ({@code maxSpill}, DuckDB's max_temp_directory_size) before a query fails.
 */
public record StagingSettings(String memoryLimit, int threads, String maxSpill) {
    public StagingSettings(String memoryLimit, int threads) {
        this(memoryLimit, threads, "10GB");
    }

    public static StagingSettings defaults() {
        return new StagingSettings("256MB", 2);
    }

    /** The same limits with another spill cap (previews spill less than runs). */
    public StagingSettings withMaxSpill(String other) {
        return new StagingSettings(memoryLimit, threads, other);
    }
}
