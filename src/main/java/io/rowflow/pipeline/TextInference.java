package io.rowflow.pipeline;

/** How much a source's text values say about their type. */
public enum TextInference {
    /** Text formats (CSV): every value is text, so numbers, booleans, dates and timestamps are recognised in it. */
    ALL,
    /** Typed formats (JSON): numbers and booleans come typed; only dates and timestamps are recognised in strings. */
    TEMPORAL_ONLY
}
