package io.rowflow.run;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Leases on running runs, so that a run survives the death of the node executing it. Every node renews the leases of
 * its own runs each {@code heartbeat-interval}, and takes over runs whose lease lapsed ({@code lease} without renewal:
 * the node died or froze) or that were handed back at a node's shutdown, by queueing them again; the next claim
 * raises the run's attempt, which fences the old holder out (see {@link RunExecutor}).
 */
@ApplicationScoped
public class RunLeases {
    private static final Logger LOG = Logger.getLogger(RunLeases.class);

    private final String nodeId = nodeName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    private volatile boolean shuttingDown;

    @Inject
    EntityManager em;
    @Inject
    RunConfig config;
    @Inject
    RunService runs;

    private static String nodeName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "node";
        }
    }

    public String nodeId() {
        return nodeId;
    }

    boolean shuttingDown() {
        return shuttingDown;
    }

    void shutdownStarted() {
        shuttingDown = true;
    }

    /** Each heartbeat: this node's leases renewed, lapsed ones taken over. */
    @Scheduled(identity = "run-leases", every = "${rowflow.run.heartbeat-interval}", delayed = "${rowflow.run.heartbeat-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (shuttingDown) {
            return;
        }
        try {
            renew();
            takeOverLapsed();
        } catch (RuntimeException e) {
            LOG.warnf("Renewing or taking over run leases failed (tried again in %s): %s", config.heartbeatInterval(),
                    e.getMessage());
        }
    }

    private void renew() {
        QuarkusTransaction.requiringNew().run(() -> em.createQuery("update RunEntity set heartbeatAt = :now"
                + " where nodeId = :node and status = :running").setParameter("now", Instant.now())
                .setParameter("node", nodeId).setParameter("running", RunStatus.RUNNING).executeUpdate());
    }

    /** Runs whose holder stopped renewing, and queued runs nobody has picked up for a lease's time, are queued here. */
    void takeOverLapsed() {
        if (shuttingDown) {
            return;
        }
        Instant cutoff = Instant.now().minus(config.lease());
        List<RunEntity> lapsed = QuarkusTransaction.requiringNew().call(() -> em.createQuery("from RunEntity r where"
                + " (r.status = :running and r.heartbeatAt < :cutoff) or (r.status = :queued and r.nodeId is null"
                + " and r.cancelRequested = false and coalesce(r.heartbeatAt, r.createdAt) < :cutoff)", RunEntity.class)
                .setParameter("running", RunStatus.RUNNING).setParameter("queued", RunStatus.QUEUED)
                .setParameter("cutoff", cutoff).setMaxResults(100).getResultList());
        for (RunEntity run : lapsed) {
            if (runs.isActiveHere(run.id)) {
                continue;
            }
            if (run.cancelRequested) {
                // Cancelled while its node was down: it ends cancelled here, instead of waiting queued for a claim
                // that a cancelled run never gets (the flow would answer 409 until a second cancel).
                int ended = QuarkusTransaction.requiringNew().call(() -> em.createQuery("update RunEntity set status ="
                        + " :cancelled, endedAt = :now, nodeId = null where id = :id and status = :status and attempt ="
                        + " :attempt").setParameter("cancelled", RunStatus.CANCELLED).setParameter("now", Instant.now())
                        .setParameter("id", run.id).setParameter("status", run.status).setParameter("attempt", run.attempt)
                        .executeUpdate());
                if (ended == 1) {
                    LOG.infof("flow=%s run=%s was cancelled while its node was down; it ends cancelled", run.flowId,
                            run.id);
                }
                continue;
            }
            int taken = QuarkusTransaction.requiringNew().call(() -> em.createQuery("update RunEntity set status ="
                    + " :queued, nodeId = :node, heartbeatAt = :now where id = :id and status = :status and attempt = :attempt")
                    .setParameter("queued", RunStatus.QUEUED).setParameter("node", nodeId).setParameter("now", Instant.now())
                    .setParameter("id", run.id).setParameter("status", run.status).setParameter("attempt", run.attempt)
                    .executeUpdate());
            if (taken == 1) {
                LOG.warnf("flow=%s run=%s taken over from %s (lease lapsed or handed back)", run.flowId, run.id,
                        run.nodeId == null ? "a node that stopped" : run.nodeId);
                runs.resubmit(run.id);
            }
        }
    }
}
