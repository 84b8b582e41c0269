package io.rowflow.writer;

/** What a write did: rows written and where. */
public record WriteResult(long rowsWritten, String location) {
}
