package io.rowflow.schedule;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The clustered scheduler (Quartz with its JDBC job store in Rowflow's database). */
@ConfigMapping(prefix = "rowflow.schedule")
public interface ScheduleConfig {
    /** Whether this node fires schedules; every node of a cluster may, Quartz fires each slot on one of them. */
    @WithDefault("true")
    boolean enabled();

    /** How often each node tells the others it is alive; a node silent for about two of these is taken over. */
    @WithDefault("7500ms")
    Duration clusterCheckinInterval();

    /** A slot later than this (the server was down or busy) is a misfire: the flow runs once now, not per slot. */
    @WithDefault("60s")
    Duration misfireThreshold();

    /**
     * Threads that fire slots; each fires a batch of slots taken in one go. Firing only records the run and sets the
     * next slot (the runs have their own pool), so the work is mostly waiting on the database.
     */
    @WithDefault("8")
    int threads();
}
