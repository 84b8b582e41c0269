package io.rowflow.connection;

/** The outcome of testing a connection: whether it reached its data, and what happened. */
public record CheckResult(boolean ok, String message) {
}
