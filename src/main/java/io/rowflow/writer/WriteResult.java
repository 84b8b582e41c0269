package io.rowflow.writer;

/**
 * What a write did: rows written and where; {@code alreadyWritten} when an earlier attempt of the same run had written
 * it and it was left as it was.
 */
public record WriteResult(long rowsWritten, String location, boolean alreadyWritten) {
    public WriteResult(long rowsWritten, String location) {
        this(rowsWritten, location, false);
    }
}
