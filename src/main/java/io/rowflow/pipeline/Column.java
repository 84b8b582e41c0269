package io.rowflow.pipeline;

/** A column of a staged table: its name as the user sees it, its type, and its SQL name in the staging database. */
public record Column(String name, ColumnType type, String sqlName) {
}
