package io.rowflow.transform;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How transforms and previews run. */
@ConfigMapping(prefix = "rowflow.transform")
public interface TransformConfig {
    /** Longest all of a run's (or a preview's) transform statements may take together before they are stopped. */
    @WithDefault("10m")
    Duration timeLimit();

    /** Longest a preview's transform may take (the builder waits for it). */
    @WithDefault("30s")
    Duration previewTimeLimit();

    /** Rows of each source a preview reads and keeps; a larger source is previewed on its first rows (said so). */
    @WithDefault("1000000")
    long previewSourceRows();

    /** How long a preview's extract of a source is reused, so that editing a step does not read the source again. */
    @WithDefault("15m")
    Duration previewCacheTtl();
}
