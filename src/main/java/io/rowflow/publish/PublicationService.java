package io.rowflow.publish;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.digest.Digests;
import io.rowflow.common.digest.RandomTokens;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.flow.FlowEntity;
import io.rowflow.flow.FlowRequest;
import io.rowflow.flow.FlowService;
import io.rowflow.storage.DataFolder;
import io.rowflow.vault.RewrapReport;
import io.rowflow.vault.SecretCipher;
import io.rowflow.vault.SecretStore;
import io.rowflow.vault.SecretUnreadableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The secret URLs of published destinations: made the first time a member asks for them, replaced on request (the old
 * URL stops answering at once), and resolved for anonymous requests by the token's hash.
 */
@ApplicationScoped
public class PublicationService implements SecretStore {
    private static final Logger LOG = Logger.getLogger(PublicationService.class);

    /** The files a published destination serves, and their media types. */
    public enum Format {
        CSV("csv", PublishedWriter.CSV_FILE, "text/csv; charset=utf-8"),
        JSON("json", PublishedWriter.NDJSON_FILE, "application/json"),
        NDJSON("ndjson", PublishedWriter.NDJSON_FILE, "application/x-ndjson");

        final String extension;
        final String file;
        final String mediaType;

        Format(String extension, String file, String mediaType) {
            this.extension = extension;
            this.file = file;
            this.mediaType = mediaType;
        }

        static Format of(String extension) {
            for (Format f : values()) {
                if (f.extension.equals(extension)) {
                    return f;
                }
            }
            throw new NotFoundException("No published format \"" + extension + "\": use .csv, .json or .ndjson");
        }
    }

    private final EntityManager em;
    private final FlowService flows;
    private final SecretCipher cipher;
    private final DataFolder dataFolder;
    private final AuditLog audit;

    public PublicationService(EntityManager em, FlowService flows, SecretCipher cipher, DataFolder dataFolder,
            AuditLog audit) {
        this.em = em;
        this.flows = flows;
        this.cipher = cipher;
        this.dataFolder = dataFolder;
        this.audit = audit;
    }

    /**
     * The destination's URLs on {@code base}, made on first request. 404 unless it is a published destination. Two
     * first requests at once (the flow page asks for its destinations' links and for the addresses together) both try
     * to make the row; the one that loses finds the winner's.
     */
    public PublicationView view(UUID flowId, int index, String base) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> findOrCreate(flowId, index, base));
        } catch (RuntimeException e) {
            if (!madeMeanwhile(e)) {
                throw e;
            }
            return QuarkusTransaction.requiringNew().call(() -> findOrCreate(flowId, index, base));
        }
    }

    private PublicationView findOrCreate(UUID flowId, int index, String base) {
        FlowEntity flow = publishedDestination(flowId, index);
        PublicationEntity publication = find(flow.id, index).orElseGet(() -> create(flow.id, index));
        return view(publication, base);
    }

    /**
     * Whether a failure is a unique key another request inserted first: the only row this transaction inserts is the
     * (flow, destination) one. SQL state 23505 on PostgreSQL and H2 alike.
     */
    private static boolean madeMeanwhile(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** A new secret for the destination's URLs; the old ones answer 404 from now on. */
    @Transactional
    public PublicationView regenerate(UUID flowId, int index, String base) {
        FlowEntity flow = publishedDestination(flowId, index);
        find(flow.id, index).ifPresent(old -> {
            em.remove(old);
            em.flush(); // the new row takes the same (flow, destination) place
        });
        PublicationEntity publication = create(flow.id, index);
        audit.record("publication.regenerated", "flow:" + flowId, "destination " + index);
        return view(publication, base);
    }

    /** What a request for {@code token} serves: the file of the latest result, if there is one. */
    public Optional<Path> file(String token, Format format) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<PublicationEntity> found = em.createQuery("from PublicationEntity where tokenHash = :h",
                    PublicationEntity.class).setParameter("h", Digests.sha256(token)).getResultList();
            if (found.isEmpty()) {
                return Optional.<Path>empty();
            }
            PublicationEntity publication = found.get(0);
            FlowEntity flow = em.find(FlowEntity.class, publication.flowId);
            if (flow == null || !publishes(flows.definition(flow).destinations(), publication.destinationIndex)) {
                return Optional.<Path>empty(); // the destination was removed or changed kind: its URL ends with it
            }
            Path file = dataFolder.destinationFile(flow.id, publication.destinationIndex, format.file);
            return Files.exists(file) ? Optional.of(file) : Optional.<Path>empty();
        });
    }

    private FlowEntity publishedDestination(UUID flowId, int index) {
        FlowEntity flow = flows.find(flowId);
        if (!publishes(flows.definition(flow).destinations(), index)) {
            throw new NotFoundException("Destination " + index + " of flow " + flowId + " is not a published URL;"
                    + " add a destination of type \"" + PublishedWriter.ID + "\" to publish the flow's result");
        }
        return flow;
    }

    private static boolean publishes(List<FlowRequest.Destination> destinations, int index) {
        return index >= 0 && index < destinations.size() && PublishedWriter.ID.equals(destinations.get(index).type());
    }

    private Optional<PublicationEntity> find(UUID flowId, int index) {
        return em.createQuery("from PublicationEntity where flowId = :f and destinationIndex = :i",
                PublicationEntity.class).setParameter("f", flowId).setParameter("i", index).getResultStream().findFirst();
    }

    private PublicationEntity create(UUID flowId, int index) {
        String token = RandomTokens.next();
        PublicationEntity publication = new PublicationEntity();
        publication.id = UUID.randomUUID();
        publication.flowId = flowId;
        publication.destinationIndex = index;
        publication.tokenHash = Digests.sha256(token);
        publication.tokenCiphertext = cipher.encrypt(token, aad(publication));
        publication.createdAt = Instant.now();
        em.persist(publication);
        return publication;
    }

    private PublicationView view(PublicationEntity publication, String base) {
        String url = base + PublishedResource.PATH + "/" + cipher.decrypt(publication.tokenCiphertext, aad(publication));
        Path csv = dataFolder.destinationFile(publication.flowId, publication.destinationIndex, PublishedWriter.CSV_FILE);
        Instant publishedAt = null;
        try {
            publishedAt = Files.exists(csv) ? Files.getLastModifiedTime(csv).toInstant() : null;
        } catch (IOException e) {
            // Gone meanwhile: not published.
        }
        return new PublicationView(url + ".csv", url + ".json", url + ".ndjson", publishedAt);
    }

    private static String aad(PublicationEntity publication) {
        return "publication:" + publication.id + ":" + publication.flowId;
    }

    /** Tokens wrapped by an older master key move to the current one, one row per transaction. */
    @Override
    public RewrapReport rewrap(SecretCipher current) {
        List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select p.id from PublicationEntity p order by p.id", UUID.class).getResultList());
        int rewrapped = 0;
        int unreadable = 0;
        for (UUID id : ids) {
            try {
                rewrapped += QuarkusTransaction.requiringNew().call(() -> {
                    PublicationEntity publication = em.find(PublicationEntity.class, id);
                    if (publication == null || !current.needsRewrap(publication.tokenCiphertext)) {
                        return 0;
                    }
                    publication.tokenCiphertext = current.rewrap(publication.tokenCiphertext, aad(publication));
                    return 1;
                });
            } catch (SecretUnreadableException e) {
                LOG.warnf("The token of publication %s cannot be decrypted with the configured keys", id);
                unreadable++;
            }
        }
        return new RewrapReport(ids.size(), rewrapped, unreadable);
    }
}
