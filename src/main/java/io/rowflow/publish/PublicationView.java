package io.rowflow.publish;

import java.time.Instant;

/**
 * A destination's secret URLs: the CSV, the JSON array and newline-delimited JSON of the flow's latest result.
 * {@code publishedAt} is when a run last wrote it (null until the first successful run; the URLs answer 404 until then).
 */
public record PublicationView(String csvUrl, String jsonUrl, String ndjsonUrl, Instant publishedAt) {
}
