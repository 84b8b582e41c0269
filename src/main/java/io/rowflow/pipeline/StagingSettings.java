package io.rowflow.pipeline;

/** Limits of a run's DuckDB staging database. */
public record StagingSettings(String memoryLimit, int threads) {
    public static StagingSettings defaults() {
        return new StagingSettings("256MB", 2);
    }
}
