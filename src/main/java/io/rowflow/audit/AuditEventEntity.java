package io.rowflow.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One line of the append-only audit log. */
@Entity
@Table(name = "audit_event")
public class AuditEventEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public Instant at;

    @Column(name = "workspace_id")
    public UUID workspaceId;

    @Column(name = "actor_user_id")
    public UUID actorUserId;

    /** The actor's email at the time, or the attempted email of a failed sign-in. */
    public String actor;

    public String action;

    public String target;

    public String detail;

    /** The server's id of the request (also in the answer's X-Request-Id header). */
    @Column(name = "request_id")
    public String requestId;

    /** The X-Request-Id the client sent, if any: its own correlation id, sanitized, never trusted as ours. */
    @Column(name = "client_request_id")
    public String clientRequestId;
}
