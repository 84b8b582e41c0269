package io.rowflow.pipeline;

import java.util.Map;

/**
 * Where a source emits its records, one at a time, so that no source ever holds a whole result. Values are
 * {@code null}, {@link String}, {@link Long}, {@link java.math.BigDecimal}, {@link java.math.BigInteger},
 * {@link Boolean} or {@link JsonText}; keys are flattened column names ({@code parent.child}).
 */
public interface RecordSink {
    void accept(Map<String, Object> record);
}
