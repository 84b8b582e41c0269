package io.rowflow.retention;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long runs and the audit log are kept, so the database stays bounded over months. */
@ConfigMapping(prefix = "rowflow.retention")
public interface RetentionConfig {
    /** Finished runs (with their logs) older than this are removed; each flow's last run and last success stay. */
    @WithDefault("90")
    int runDays();

    /** Finished runs a flow keeps, newest first, whatever their age; older ones go once a day old. */
    @WithDefault("200")
    int runsPerFlow();

    /** Audit events older than this are removed; kept apart from runs, and longer. */
    @WithDefault("400")
    int auditDays();

    /** How often each node purges (the purge is idempotent, so nodes of a cluster may overlap). */
    @WithDefault("1h")
    Duration interval();
}
