package io.rowflow.vault;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

/** Moves every stored secret, whichever feature stores it, to the current master key: on request and at start-up. */
@ApplicationScoped
public class VaultRewrap {
    private static final Logger LOG = Logger.getLogger(VaultRewrap.class);

    private final Instance<SecretStore> stores;
    private final SecretCipher cipher;

    public VaultRewrap(Instance<SecretStore> stores, SecretCipher cipher) {
        this.stores = stores;
        this.cipher = cipher;
    }

    public RewrapReport rewrapAll() {
        RewrapReport total = new RewrapReport(0, 0, 0);
        for (SecretStore store : stores) {
            total = total.plus(store.rewrap(cipher));
        }
        return total;
    }

    /** At start-up, in the background: secrets still wrapped by a previous master key move to the current one. */
    void rewrapAtStartup(@Observes StartupEvent event) {
        Thread worker = new Thread(() -> {
            try {
                RewrapReport report = rewrapAll();
                if (report.rewrapped() > 0 || report.unreadable() > 0) {
                    LOG.infof("Master key rotation: re-wrapped %d of %d stored secrets with the current master key;"
                            + " %d unreadable", report.rewrapped(), report.checked(), report.unreadable());
                }
            } catch (RuntimeException e) {
                LOG.warn("Re-wrapping stored secrets with the current master key failed; it is tried again at the"
                        + " next start", e);
            }
        }, "rowflow-vault-rewrap");
        worker.setDaemon(true);
        worker.start();
    }
}
