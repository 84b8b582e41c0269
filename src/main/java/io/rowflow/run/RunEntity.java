package io.rowflow.run;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One execution of a flow. */
@Entity
@Table(name = "run")
public class RunEntity {
    @Id
    public UUID id;

    @Column(name = "flow_id")
    public UUID flowId;

    @Enumerated(EnumType.STRING)
    public RunStatus status;

    /** What started it: manual, schedule, webhook, chain. */
    @Column(name = "trigger_kind")
    public String trigger;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The node executing the run (its lease holder), while it runs. */
    @Column(name = "node_id")
    public String nodeId;

    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;

    /** Times the run started again after a passing failure. */
    public int retries;

    /** Claims so far: the fencing token of the current holder. */
    public int attempt;

    /** The schedule slot this run is for; null for runs started by hand, webhook or chain. Unique per flow. */
    @Column(name = "scheduled_for")
    public Instant scheduledFor;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "ended_at")
    public Instant endedAt;

    /** Rows read per source and written per destination, as JSON. */
    @Column(name = "stats_json")
    public String statsJson;

    /** On failure: the step that failed, e.g. "extract source 1 (csv-url)". */
    @Column(name = "failed_step")
    public String failedStep;

    @Column(name = "error_message")
    public String errorMessage;

    /** On failure: what the external system said, if it said anything. */
    @Column(name = "upstream_message")
    public String upstreamMessage;

    /** The result equalled the last one written, so destinations were left alone ("only if changed"). */
    public boolean unchanged;

    @Column(name = "cancel_requested")
    public boolean cancelRequested;

    /** When the (first) cancel was asked for; with {@link #endedAt}, how long the run took to stop. */
    @Column(name = "cancel_requested_at")
    public Instant cancelRequestedAt;
}
