package io.rowflow.writer.bigquery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** BigQuery: where its API is, how files are uploaded to it, and how its jobs are waited for and retried. */
@ConfigMapping(prefix = "rowflow.bigquery")
public interface BigQueryConfig {
    /** BigQuery's REST root; uploads go to {root}upload/bigquery/v2/… (a test fake, a proxy). */
    @WithDefault("https://bigquery.googleapis.com/")
    String rootUrl();

    /**
     * Bytes per chunk of a resumable upload, rounded down to a multiple of 256 KiB as Google's protocol requires; a
     * lost chunk is sent again, not the whole file.
     */
    @WithDefault("8388608")
    int uploadChunkBytes();

    /** How often a running load or query job is asked for its state. */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * First wait after BigQuery's quota refusals (403 rateLimitExceeded) and failed jobs it says may pass
     * (backendError); it doubles up to a minute.
     */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Attempts of one call or job before its refusal is reported. */
    @WithDefault("6")
    int attempts();
}
