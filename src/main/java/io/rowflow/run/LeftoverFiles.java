package io.rowflow.run;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.rowflow.flow.FlowDeleted;
import io.rowflow.storage.DataFolder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Removes what nothing will read again: a deleted flow's files (its workbooks), and at start-up the scratch folders of
 * runs that ended without cleaning up (a node killed mid-run). The data folder may be shared by a cluster, so a run
 * folder goes only when its run is no longer running anywhere.
 */
@ApplicationScoped
public class LeftoverFiles {
    private static final Logger LOG = Logger.getLogger(LeftoverFiles.class);

    private final DataFolder dataFolder;
    private final EntityManager em;

    public LeftoverFiles(DataFolder dataFolder, EntityManager em) {
        this.dataFolder = dataFolder;
        this.em = em;
    }

    void flowDeleted(@Observes(during = TransactionPhase.AFTER_SUCCESS) FlowDeleted deleted) {
        RunExecutor.deleteQuietly(existing(dataFolder.flowFiles(deleted.flowId())));
    }

    void atStart(@Observes StartupEvent start) {
        Path runs = dataFolder.runsFolder();
        if (!Files.isDirectory(runs)) {
            return;
        }
        try (Stream<Path> folders = Files.list(runs)) {
            for (Path folder : folders.toList()) {
                UUID runId = runIdOf(folder);
                if (runId == null || !running(runId)) {
                    RunExecutor.deleteQuietly(folder);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Could not clear the scratch folders of ended runs in %s: %s", runs, e.getMessage());
        }
    }

    private boolean running(UUID runId) {
        List<RunStatus> status = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select r.status from RunEntity r where r.id = :id", RunStatus.class).setParameter("id", runId)
                .getResultList());
        return !status.isEmpty() && status.get(0) == RunStatus.RUNNING;
    }

    /** The run id of a folder named {@code <runId>.<attempt>}; null for anything else. */
    static UUID runIdOf(Path folder) {
        String name = folder.getFileName().toString();
        int dot = name.indexOf('.');
        try {
            return UUID.fromString(dot < 0 ? name : name.substring(0, dot));
        } catch (IllegalArgumentException notARunFolder) {
            return null;
        }
    }

    private static Path existing(Path path) {
        return Files.exists(path) ? path : null;
    }
}
