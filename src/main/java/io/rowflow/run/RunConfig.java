package io.rowflow.run;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How runs execute on this node. */
@ConfigMapping(prefix = "rowflow.run")
public interface RunConfig {
    /** Runs executing at once on this node; more wait in the queue. */
    @WithDefault("4")
    int maxConcurrentRuns();

    /** DuckDB memory limit of one run's staging database; beyond it DuckDB spills to the run's folder. */
    @WithDefault("256MB")
    String stagingMemoryLimit();

    /** DuckDB threads per run. */
    @WithDefault("2")
    int stagingThreads();

    /** Rows a preview shows. */
    @WithDefault("100")
    int previewRows();
}
