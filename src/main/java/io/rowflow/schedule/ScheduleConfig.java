package io.rowflow.schedule;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The clustered scheduler (db-scheduler, its one table in Rowflow's database). */
@ConfigMapping(prefix = "rowflow.schedule")
public interface ScheduleConfig {
    /** Whether this node fires schedules; every node of a cluster may, each slot is claimed by one of them. */
    @WithDefault("true")
    boolean enabled();

    /**
     * How often each node looks for due slots. A due slot waits at most this long on an idle node; a node that has just
     * fired a slot looks again at once while more are due.
     */
    @WithDefault("1s")
    Duration pollingInterval();

    /**
     * How often a node marks the slots it is firing as alive. A slot whose node missed {@code missed-heartbeats} of
     * these in a row (killed, frozen) is fired again by another node, with its own time.
     */
    @WithDefault("2s")
    Duration heartbeatInterval();

    /** Heartbeats a node may miss before the others take over the slots it was firing. */
    @WithDefault("4")
    int missedHeartbeats();

    /** A slot later than this (the server was down or busy) is a misfire: the flow runs once, not once per slot. */
    @WithDefault("60s")
    Duration misfireThreshold();

    /**
     * Threads that fire slots. A firing thread hands its slot to the recording threads and waits for it to be recorded,
     * so these are mostly waiting; more of them make bigger batches under a burst.
     */
    @WithDefault("32")
    int threads();

    /**
     * Threads that record fired slots: each takes whatever slots came meanwhile and records their runs in one
     * transaction.
     */
    @WithDefault("4")
    int recordingThreads();

    /** The most slots one recording transaction takes. */
    @WithDefault("256")
    int recordingBatch();

    /**
     * Due slots a node claims in one statement, per firing thread (PostgreSQL: {@code FOR UPDATE SKIP LOCKED}, so nodes
     * never wait for each other). Claimed slots wait in the node's queue without heartbeats: keep the queue short
     * enough to drain well within {@code heartbeat-interval × missed-heartbeats}.
     */
    @WithDefault("4.0")
    double batchPerThread();

    /** The node claims the next batch once its queue is down to this many slots per firing thread. */
    @WithDefault("1.0")
    double refillBelowPerThread();

    /**
     * Off (0) by default: each slot fires at its time. Set (say {@code 5m}), each flow fires a fixed offset into this
     * window after its slot, drawn from its id and the same for all its slots, so that thousands of flows sharing a
     * minute reach the cluster spread over the window instead of at once. Runs keep their slot's own time.
     */
    @WithDefault("0s")
    Duration spreadWindow();

    /** On shutdown (SIGTERM), how long slots being fired may take to finish before their threads are interrupted. */
    @WithDefault("10s")
    Duration shutdownMaxWait();
}
