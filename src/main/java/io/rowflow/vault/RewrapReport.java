package io.rowflow.vault;

/** What a re-wrap of stored secrets found and did. */
public record RewrapReport(int checked, int rewrapped, int unreadable) {
    public RewrapReport plus(RewrapReport other) {
        return new RewrapReport(checked + other.checked, rewrapped + other.rewrapped, unreadable + other.unreadable);
    }
}
