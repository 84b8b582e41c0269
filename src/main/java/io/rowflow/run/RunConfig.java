package io.rowflow.run;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How runs execute on this node. */
@ConfigMapping(prefix = "rowflow.run")
public interface RunConfig {
    /** Runs executing at once on this node; more wait in the queue. */
    @WithDefault("4")
    int maxConcurrentRuns();

    /**
     * Run slots of this node one workspace may hold at once; without a value, all but one, so that another
     * workspace's run always finds a free slot however many long runs the first one starts.
     */
    java.util.Optional<Integer> maxConcurrentRunsPerWorkspace();

    /** Previews computed at once on this node, and by one workspace; more wait briefly, then are refused (429). */
    @WithDefault("4")
    int maxConcurrentPreviews();

    @WithDefault("2")
    int maxConcurrentPreviewsPerWorkspace();

    /** DuckDB memory limit of one run's staging database; beyond it DuckDB spills to the run's folder. */
    @WithDefault("256MB")
    String stagingMemoryLimit();

    /** DuckDB threads per run. */
    @WithDefault("2")
    int stagingThreads();

    /**
     * Incoming webhook calls within this time of the first one share one run: a source app's burst of change
     * notifications gives one refresh, not a storm of runs.
     */
    @WithDefault("10s")
    Duration webhookCoalesceWindow();

    /** Webhook calls a flow accepts per minute; more answer 429 with Retry-After. */
    @WithDefault("60")
    int webhookCallsPerMinute();

    /** Longest a run may take before it is stopped and marked failed; a flow can set its own ({@code timeout}). */
    @WithDefault("6h")
    Duration timeout();

    /** Times a run that failed for a passing reason starts again (a flow can set its own {@code retries}). */
    @WithDefault("2")
    int maxRetries();

    /** Wait before the first such retry; it doubles for each next one. */
    @WithDefault("30s")
    Duration retryBackoff();

    /**
     * Runs that may read through one connection at once, across the cluster: fifty flows on one account must not
     * exceed its API's rate limit. Runs past it wait in the queue.
     */
    @WithDefault("4")
    int maxConcurrentRunsPerConnection();

    /** How long a node's claim on a running run lasts without renewal; then another node takes the run over. */
    @WithDefault("30s")
    Duration lease();

    /** How often a node renews its runs' leases and looks for lapsed ones (whole seconds, 1 s at least). */
    @WithDefault("5s")
    Duration heartbeatInterval();

    /** Rows a preview shows. */
    @WithDefault("100")
    int previewRows();
}
