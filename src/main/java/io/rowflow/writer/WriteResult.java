package io.rowflow.writer;

/**
 * What a write did: rows written and where; {@code alreadyWritten} when an earlier attempt of the same run had written
 * it and it was left as it was; {@code apiCalls} for destinations behind an API (null for files).
 */
public record WriteResult(long rowsWritten, String location, boolean alreadyWritten, Long apiCalls) {
    public WriteResult(long rowsWritten, String location) {
        this(rowsWritten, location, false, null);
    }

    public WriteResult(long rowsWritten, String location, boolean alreadyWritten) {
        this(rowsWritten, location, alreadyWritten, null);
    }
}
