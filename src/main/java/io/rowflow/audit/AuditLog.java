package io.rowflow.audit;

import io.quarkus.arc.Arc;
import io.rowflow.common.web.RequestIds;
import io.rowflow.workspace.Caller;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Writes the audit log: who did what, where, when, in which request. Lines are only ever inserted; the API reads them
 * and nothing updates or deletes them. An entry joins the transaction of the change it records, so a change that
 * rolls back leaves no entry, and one that commits always has one.
 */
@ApplicationScoped
public class AuditLog {
    private final EntityManager em;
    private final Instance<Caller> caller;
    private final Instance<CurrentVertxRequest> request;

    public AuditLog(EntityManager em, Instance<Caller> caller, Instance<CurrentVertxRequest> request) {
        this.em = em;
        this.caller = caller;
        this.request = request;
    }

    /** Records an action of the current caller in their workspace. */
    @Transactional(Transactional.TxType.REQUIRED)
    public void record(String action, String target, String detail) {
        Caller who = inRequest() ? caller.get() : null;
        boolean signedIn = who != null && who.isSignedIn();
        write(signedIn && who.hasWorkspace() ? who.workspaceId() : null, signedIn ? who.userId() : null,
                signedIn ? who.email() : null, action, target, detail);
    }

    /** Records an action whose actor is not (yet) the caller, such as a sign-in attempt. */
    @Transactional(Transactional.TxType.REQUIRED)
    public void recordFor(UUID workspaceId, UUID userId, String actor, String action, String target, String detail) {
        write(workspaceId, userId, actor, action, target, detail);
    }

    private void write(UUID workspaceId, UUID userId, String actor, String action, String target, String detail) {
        AuditEventEntity event = new AuditEventEntity();
        event.at = Instant.now();
        event.workspaceId = workspaceId;
        event.actorUserId = userId;
        event.actor = actor;
        event.action = action;
        event.target = target;
        event.detail = detail;
        RoutingContext http = inRequest() ? request.get().getCurrent() : null;
        event.requestId = RequestIds.serverId(http);
        event.clientRequestId = RequestIds.clientId(http);
        em.persist(event);
    }

    /**
     * A workspace's log, newest first: what happened in it, nothing else. Account events (sign-ins, tokens) belong to
     * no workspace and are not shown here, so that membership never reveals another person's sign-ins.
     */
    public List<AuditEventEntity> page(UUID workspaceId, int page, int size) {
        return em.createQuery("from AuditEventEntity e where e.workspaceId = :w order by e.id desc", AuditEventEntity.class)
                .setParameter("w", workspaceId).setFirstResult(page * size).setMaxResults(size).getResultList();
    }

    /** A person's own account events (sign-ins, failed ones included, and tokens), newest first. */
    public List<AuditEventEntity> accountPage(UUID userId, int page, int size) {
        return em.createQuery("from AuditEventEntity e where e.workspaceId is null and e.actorUserId = :u"
                + " order by e.id desc", AuditEventEntity.class)
                .setParameter("u", userId).setFirstResult(page * size).setMaxResults(size).getResultList();
    }

    private static boolean inRequest() {
        return Arc.container().requestContext().isActive();
    }
}
