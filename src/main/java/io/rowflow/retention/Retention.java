package io.rowflow.retention;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Keeps the database bounded: finished runs (and, by cascade, their log lines) past {@code run-days}, or past the newest
 * {@code runs-per-flow} of their flow once a day old, are removed in batches, and audit events past {@code audit-days}.
 * A flow's newest run and its newest success always stay (the flow list and the "last success" need them); its
 * written results are files that no run owns, so downloads and published URLs keep serving the last result.
 */
@ApplicationScoped
public class Retention {
    private static final Logger LOG = Logger.getLogger(Retention.class);
    static final int BATCH = 500;
    /** A run newer than this is never removed for the count rule: a slot just fired may still be checked against it. */
    static final Duration COUNT_RULE_GRACE = Duration.ofDays(1);

    private final EntityManager em;
    private final RetentionConfig config;

    public Retention(EntityManager em, RetentionConfig config) {
        this.em = em;
        this.config = config;
    }

    /** What a purge removed. */
    public record Purged(int runs, int auditEvents) {
    }

    /** Each interval, and first a few minutes after start-up (a node that starts is busy enough). */
    @Scheduled(identity = "retention", every = "${rowflow.retention.interval}", delayed = "5m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeNow() {
        try {
            Purged purged = purge(Instant.now());
            if (purged.runs() + purged.auditEvents() > 0) {
                LOG.infof("Retention removed %d run(s) and %d audit event(s)", purged.runs(), purged.auditEvents());
            }
        } catch (RuntimeException e) {
            LOG.warnf("Retention could not purge this time: %s", e.getMessage());
        }
    }

    /** Removes what is past its time at {@code now}, a batch per transaction. */
    public Purged purge(Instant now) {
        OffsetDateTime runCutoff = OffsetDateTime.ofInstant(now.minus(Duration.ofDays(config.runDays())), ZoneOffset.UTC);
        OffsetDateTime graceCutoff = OffsetDateTime.ofInstant(now.minus(COUNT_RULE_GRACE), ZoneOffset.UTC);
        int runs = 0;
        while (true) {
            int removed = QuarkusTransaction.requiringNew().call(() -> {
                @SuppressWarnings("unchecked")
                List<Object> ids = em.createNativeQuery("""
                        SELECT x.id FROM (
                            SELECT r.id, r.created_at,
                                ROW_NUMBER() OVER (PARTITION BY r.flow_id ORDER BY r.created_at DESC, r.id DESC) AS newest,
                                ROW_NUMBER() OVER (PARTITION BY r.flow_id, CASE WHEN r.status = 'SUCCEEDED' THEN 1 ELSE 0 END
                                    ORDER BY r.created_at DESC, r.id DESC) AS newest_of_kind,
                                r.status
                            FROM run r WHERE r.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED')
                        ) x
                        WHERE x.newest > 1 AND NOT (x.status = 'SUCCEEDED' AND x.newest_of_kind = 1)
                          AND (x.created_at < :runCutoff OR (x.newest > :keep AND x.created_at < :graceCutoff))
                        ORDER BY x.created_at
                        FETCH FIRST %d ROWS ONLY""".formatted(BATCH))
                        .setParameter("runCutoff", runCutoff).setParameter("graceCutoff", graceCutoff)
                        .setParameter("keep", config.runsPerFlow()).getResultList();
                if (ids.isEmpty()) {
                    return 0;
                }
                em.createNativeQuery("DELETE FROM run_log WHERE run_id IN (:ids)").setParameter("ids", ids).executeUpdate();
                return em.createNativeQuery("DELETE FROM run WHERE id IN (:ids)").setParameter("ids", ids).executeUpdate();
            });
            runs += removed;
            if (removed < BATCH) {
                break;
            }
        }
        OffsetDateTime auditCutoff = OffsetDateTime.ofInstant(now.minus(Duration.ofDays(config.auditDays())), ZoneOffset.UTC);
        int audit = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "DELETE FROM audit_event WHERE at < :cutoff").setParameter("cutoff", auditCutoff).executeUpdate());
        return new Purged(runs, audit);
    }
}
