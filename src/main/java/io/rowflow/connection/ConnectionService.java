package io.rowflow.connection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.error.ConflictException;
import io.rowflow.common.error.FieldError;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.common.error.RowflowException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorRegistry;
import io.rowflow.connector.ConnectionAccess;
import io.rowflow.connector.ConnectionType;
import io.rowflow.connector.ConnectionTypeRegistry;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.flow.FlowConnectionEntity;
import io.rowflow.http.Origin;
import io.rowflow.http.OutboundShares;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.pipeline.StopReading;
import io.rowflow.vault.RewrapReport;
import io.rowflow.vault.SecretCipher;
import io.rowflow.vault.SecretStore;
import io.rowflow.vault.SecretUnreadableException;
import io.rowflow.workspace.Caller;
import io.rowflow.workspace.WorkspaceScope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/** Creates, changes and tests connections; the only code that sees a connection's secrets in clear. */
@ApplicationScoped
public class ConnectionService implements SecretStore {
    private static final Logger LOG = Logger.getLogger(ConnectionService.class);
    private final EntityManager em;
    private final ConnectorRegistry connectors;
    private final ConnectionTypeRegistry types;
    private final SecretCipher cipher;
    @jakarta.inject.Inject
    jakarta.enterprise.inject.Instance<TokenSource> tokens;
    private final ObjectMapper mapper;
    private final SafeHttpClient http;
    private final WorkspaceScope scope;
    private final AuditLog audit;

    public ConnectionService(EntityManager em, ConnectorRegistry connectors, ConnectionTypeRegistry types,
            SecretCipher cipher, ObjectMapper mapper, SafeHttpClient http, WorkspaceScope scope, AuditLog audit) {
        this.em = em;
        this.types = types;
        this.scope = scope;
        this.audit = audit;
        this.connectors = connectors;
        this.cipher = cipher;
        this.mapper = mapper;
        this.http = http;
    }

    @Transactional
    public ConnectionView create(ConnectionRequest request) {
        ConnectionType connector = types.require(request.connectorId(), "connectorId");
        ObjectNode config = request.config() == null ? mapper.createObjectNode() : request.config();
        connector.schema().validate(config, "config");
        ConnectionEntity entity = new ConnectionEntity();
        entity.id = UUID.randomUUID();
        entity.name = request.name().strip();
        entity.connectorId = connector.descriptor().id();
        Caller caller = scope.current().orElseThrow(() -> new IllegalStateException("No workspace in this request"));
        entity.workspaceId = caller.workspaceId();
        entity.createdBy = caller.userId();
        entity.shared = Boolean.TRUE.equals(request.shared());
        entity.createdAt = entity.updatedAt = Instant.now();
        store(entity, config, connector.schema());
        em.persist(entity);
        audit.record("connection.created", "connection:" + entity.id, entity.name);
        return view(entity);
    }

    @Transactional
    public ConnectionView update(UUID id, ConnectionRequest request) {
        ConnectionEntity entity = find(id);
        if (!entity.connectorId.equals(request.connectorId())) {
            throw InvalidInputException.field("connectorId", "a connection's connector cannot change (it is \""
                    + entity.connectorId + "\"); create a new connection instead");
        }
        ConnectionType connector = types.require(entity.connectorId, "connectorId");
        ObjectNode config = request.config() == null ? mapper.createObjectNode() : request.config().deepCopy();
        ObjectNode stored = secrets(entity);
        Optional<Origin> before = origin(connector, readJson(entity.configJson));
        Optional<Origin> after = origin(connector, config);
        if (before.equals(after)) {
            stored.fields().forEachRemaining(secret -> {
                if (!config.has(secret.getKey())) {
                    config.set(secret.getKey(), secret.getValue());
                }
            });
        } else {
            // Secrets stay with the origin they were entered for: a new address needs them entered again.
            List<FieldError> missing = new ArrayList<>();
            stored.fieldNames().forEachRemaining(secret -> {
                if (!config.has(secret)) {
                    missing.add(new FieldError("config." + secret, "was entered for " + before.map(Origin::toString)
                            .orElse("another address") + "; the connection now leads to " + after.map(Origin::toString)
                            .orElse("another address") + ", so enter it again (a secret is only sent where it was given for)"));
                }
            });
            if (!missing.isEmpty()) {
                throw InvalidInputException.of(missing);
            }
        }
        keepTokenExpiry(readJson(entity.configJson), stored, config);
        connector.schema().validate(config, "config");
        entity.name = request.name().strip();
        if (request.shared() != null) {
            entity.shared = request.shared();
        }
        entity.updatedAt = Instant.now();
        ObjectNode settingsBefore = ((ObjectNode) readJson(entity.configJson)).deepCopy().setAll(stored);
        if (!settingsBefore.equals(config)) {
            // New settings: how the old ones last went says nothing of them.
            entity.lastCheckAt = null;
            entity.lastCheckOk = null;
            entity.lastCheckMessage = null;
        }
        store(entity, config, connector.schema());
        audit.record("connection.updated", "connection:" + entity.id, entity.name);
        return view(entity);
    }

    /**
     * When a signed-in connection's access token expires is kept by Rowflow, not entered: an edit that keeps the token
     * keeps its expiry (without it, the token would be taken as never expiring and used until the provider refuses it).
     */
    private static void keepTokenExpiry(JsonNode storedPlain, ObjectNode storedSecrets, ObjectNode config) {
        if (!config.has("expires_at") && storedPlain.hasNonNull("expires_at") && storedSecrets.hasNonNull("access_token")
                && storedSecrets.get("access_token").equals(config.get("access_token"))) {
            config.set("expires_at", storedPlain.get("expires_at"));
        }
    }

    @Transactional
    public void delete(UUID id) {
        ConnectionEntity entity = find(id);
        List<UUID> flows = em.createQuery("select fc.flowId from FlowConnectionEntity fc where fc.connectionId = :id",
                UUID.class).setParameter("id", id).getResultList();
        if (!flows.isEmpty()) {
            throw new ConflictException("The connection is used by " + flows.size() + " flow(s) " + flows
                    + "; remove it from them first");
        }
        em.remove(entity);
        audit.record("connection.deleted", "connection:" + id, entity.name);
    }

    public ConnectionView get(UUID id) {
        return view(find(id));
    }

    /** The connections the caller may see: the workspace's shared ones and their own private ones. */
    public List<ConnectionView> list() {
        Caller caller = scope.current().orElseThrow(() -> new IllegalStateException("No workspace in this request"));
        return em.createQuery("from ConnectionEntity where workspaceId = :w and (shared = true or createdBy is null"
                + " or createdBy = :u) order by createdAt", ConnectionEntity.class).setParameter("w", caller.workspaceId())
                .setParameter("u", caller.userId()).getResultList().stream().map(this::view).toList();
    }

    /**
     * A connection, if it exists and (in a member's request) lies in the caller's workspace and is shared or theirs;
     * else 404, the same answer as for an id that never existed.
     */
    public ConnectionEntity find(UUID id) {
        return findVisible(id).orElseThrow(() -> NotFoundException.of("Connection", id));
    }

    public Optional<ConnectionEntity> findVisible(UUID id) {
        ConnectionEntity entity = id == null ? null : em.find(ConnectionEntity.class, id);
        if (entity == null) {
            return Optional.empty();
        }
        Optional<Caller> caller = scope.current();
        if (caller.isPresent() && !(caller.get().workspaceId().equals(entity.workspaceId)
                && (entity.shared || entity.createdBy == null || entity.createdBy.equals(caller.get().userId())))) {
            return Optional.empty();
        }
        return Optional.of(entity);
    }

    /** Everything a source needs to read: the settings with the secrets decrypted, and the flow's overrides. */
    public SourceContext sourceContext(ConnectionEntity entity, JsonNode parameters) {
        ObjectNode config = settingsOf(entity);
        if (parameters != null && parameters.isObject() && !parameters.isEmpty()) {
            ConnectionType connector = types.require(entity.connectorId, "connectorId");
            List<FieldError> refused = new ArrayList<>(connector.schema().parameterErrors(parameters, "parameters"));
            Optional<Origin> own = origin(connector, config);
            config.setAll((ObjectNode) parameters);
            Optional<Origin> overridden = origin(connector, config);
            if (refused.isEmpty() && !own.equals(overridden)) {
                // A flow may change the path (a file per day), never the place the connection's credentials go.
                refused.add(new FieldError("parameters." + (parameters.has("url") ? "url" : parameters.fieldNames().next()), "leads to "
                        + overridden.map(Origin::toString).orElse("an invalid address") + ", but the connection is for "
                        + own.map(Origin::toString).orElse("another address") + "; a flow may only change the path and"
                        + " query (use another connection for another site)"));
            }
            if (!refused.isEmpty()) {
                throw InvalidInputException.of(refused);
            }
        }
        SourceContext context = new SourceContext(config, http).withWorkspace(entity.workspaceId);
        if (config.hasNonNull("refresh_token") && tokens.isResolvable()) {
            UUID id = entity.id;
            return context.withConnection(id, new io.rowflow.connector.AccessTokens() {
                @Override
                public String current() {
                    return tokens.get().accessToken(id);
                }

                @Override
                public String afterRejection(String rejected) {
                    return tokens.get().afterRejection(id, rejected);
                }
            });
        }
        return context.withConnection(entity.id, null);
    }

    /**
     * A connection of type {@code type} the caller may use, resolved for an extension that works through it (a
     * destination, a picker): its settings with secrets and its tokens. {@code field} names where the id was given.
     */
    public ConnectionAccess access(UUID id, String type, String field) {
        SourceContext context = sourceContext(id, type, field);
        return new ConnectionAccess(context.connectionId(), context.config(), context.accessTokens());
    }

    /**
     * As {@link #access}, for a source that reads through the connection (a source's picker): its whole read context,
     * bound to the connection's workspace.
     */
    public SourceContext sourceContext(UUID id, String type, String field) {
        if (id == null) {
            throw InvalidInputException.field(field, "required: the " + typeName(type) + " connection to use");
        }
        ConnectionEntity entity = find(id); // 404 for one the caller may not see, as everywhere
        if (!entity.connectorId.equals(type)) {
            throw InvalidInputException.field(field, "must name a " + typeName(type) + " connection of this workspace");
        }
        return sourceContext(entity, null);
    }

    /** A connection type's name for messages ("Google Sheets"), its id when unknown. */
    public String typeName(String type) {
        return types.find(type).map(t -> t.descriptor().name()).orElse(type);
    }

    /** Whether {@code id} names a connection of type {@code type} the caller may use. */
    public boolean usable(UUID id, String type) {
        return id != null && findVisible(id).filter(c -> c.connectorId.equals(type)).isPresent();
    }

    /** All of a connection's settings, its secrets decrypted among them (a new object, free to change). */
    public ObjectNode settingsOf(ConnectionEntity entity) {
        ObjectNode settings = (ObjectNode) readJson(entity.configJson);
        settings.setAll(secrets(entity));
        return settings;
    }

    /**
     * Stores settings coming from an OAuth sign-in (tokens, their expiry) into a connection, secrets encrypted as any.
     * A new connection when {@code existing} is null. Call within a transaction.
     */
    public ConnectionEntity storeSignedIn(ConnectionEntity existing, String connectorId, String name, UUID workspaceId,
            UUID userId, ObjectNode settings) {
        ConnectionType connector = types.require(connectorId, "connector");
        ConnectionEntity entity = existing;
        ObjectNode config = settings.deepCopy();
        if (entity == null) {
            entity = new ConnectionEntity();
            entity.id = UUID.randomUUID();
            entity.name = name;
            entity.connectorId = connectorId;
            entity.workspaceId = workspaceId;
            entity.createdBy = userId;
            entity.createdAt = Instant.now();
        } else {
            ObjectNode merged = settingsOf(entity);
            merged.setAll(config);
            config = merged;
        }
        entity.updatedAt = Instant.now();
        entity.authStatus = "ok";
        store(entity, config, connector.schema());
        if (existing == null) {
            em.persist(entity);
        }
        return entity;
    }

    /**
     * Reads the first record through a source of the connection's type: proves the URL, the credentials and the format
     * in one go. A type no source reads through (a destination's account) is proved by its first write instead.
     */
    public CheckResult check(UUID id) {
        ConnectionEntity entity = find(id);
        Optional<SourceConnector> reader = connectors.find(entity.connectorId).or(() -> connectors.all().stream()
                .filter(c -> c.connectionType().equals(entity.connectorId)).findFirst());
        if (reader.isEmpty()) {
            return new CheckResult(true, "Saved; nothing reads through this connection to check it: the first write"
                    + " of a flow does");
        }
        SourceConnector connector = reader.get();
        AtomicInteger columns = new AtomicInteger(-1);
        try (OutboundShares.Scope outbound = OutboundShares.as(entity.workspaceId)) {
            connector.read(sourceContext(entity, null).asSample(), record -> {
                columns.set(record.size());
                throw new StopReading();
            });
        } catch (StopReading enough) {
            // The first record arrived.
        } catch (RowflowException e) {
            readFailed(entity, e);
            return new CheckResult(false, e.getMessage());
        }
        String found = columns.get() < 0 ? "Connected; the source has no records"
                : "Connected; the first record has " + columns.get() + " field(s)";
        readSucceeded(entity, found);
        return new CheckResult(true, found);
    }

    /** A check or read through the connection worked: its badge says so, and a mark left by a refusal is cleared. */
    public void readSucceeded(ConnectionEntity entity, String message) {
        credentialsAccepted(entity);
        recordCheck(entity.id, true, message);
    }

    /** A check or read through the connection failed: its badge says why; a refused key or token marks it too. */
    public void readFailed(ConnectionEntity entity, RowflowException failure) {
        if (failure instanceof io.rowflow.common.error.UpstreamException upstream) {
            credentialsRefused(entity, upstream);
        }
        recordCheck(entity.id, false, failure.getMessage());
    }

    /** Kept in a transaction of its own: a run or preview that fails after it must not take it back. */
    private void recordCheck(UUID id, boolean ok, String message) {
        String kept = message == null ? null : message.length() > 1000 ? message.substring(0, 999) + "…" : message;
        QuarkusTransaction.requiringNew().run(() -> em.createQuery("update ConnectionEntity set lastCheckAt = :at,"
                + " lastCheckOk = :ok, lastCheckMessage = :message where id = :id").setParameter("at", Instant.now())
                .setParameter("ok", ok).setParameter("message", kept).setParameter("id", id).executeUpdate());
    }

    /**
     * The provider refused the connection's stored key or token (401, or 403 for a lacking permission or scope): the
     * connection is marked, "needs_reauthorization" when it signed in with OAuth and "needs_attention" for a key a user
     * entered, until a later check or read succeeds. Other failures leave the mark as it is.
     */
    public void credentialsRefused(ConnectionEntity entity, io.rowflow.common.error.UpstreamException failure) {
        if ((failure.status() != 401 && failure.status() != 403) || entity.secretsCiphertext == null) {
            return;
        }
        String status = settingsOf(entity).hasNonNull("refresh_token") ? "needs_reauthorization" : "needs_attention";
        if (setAuthStatus(entity.id, status)) {
            LOG.warnf("connection=%s: the provider refused its credentials (HTTP %d); marked %s", entity.id,
                    failure.status(), status);
        }
    }

    /** A check or read through the connection succeeded: a mark left by a refusal is cleared. */
    public void credentialsAccepted(ConnectionEntity entity) {
        if (!"ok".equals(entity.authStatus)) {
            setAuthStatus(entity.id, "ok");
        }
    }

    /** Sets the connection's auth status in a transaction of its own; false when it already had it. */
    private boolean setAuthStatus(UUID id, String status) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery("update ConnectionEntity set authStatus ="
                + " :status where id = :id and (authStatus is null or authStatus <> :status)").setParameter("status", status)
                .setParameter("id", id).executeUpdate() == 1);
    }

    private void store(ConnectionEntity entity, ObjectNode config, ConfigSchema schema) {
        ObjectNode plain = config.deepCopy();
        ObjectNode secret = mapper.createObjectNode();
        for (String field : schema.secretFields()) {
            JsonNode value = plain.remove(field);
            if (value != null && !value.isNull()) {
                secret.set(field, value);
            }
        }
        entity.configJson = plain.toString();
        entity.secretsCiphertext = secret.isEmpty() ? null : cipher.encrypt(secret.toString(), aad(entity));
    }

    private ObjectNode secrets(ConnectionEntity entity) {
        if (entity.secretsCiphertext == null) {
            return mapper.createObjectNode();
        }
        return (ObjectNode) readJson(cipher.decrypt(entity.secretsCiphertext, aad(entity), workspaceAad(entity),
                legacyAad(entity)));
    }

    /**
     * Re-wraps every connection secret that {@code cipher} finds wrapped by an older master key (or stored in an older
     * format or binding), one row per transaction. A row changed meanwhile (a user saved new secrets) is left as the
     * user saved it: the update only applies while the ciphertext is the one that was read.
     */
    @Override
    public RewrapReport rewrap(SecretCipher cipher) {
        // One read of every ciphertext; only those wrapped by an older key (or in the first format) are opened.
        List<Object[]> stored = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select c.id, c.secretsCiphertext from ConnectionEntity c where c.secretsCiphertext is not null"
                        + " order by c.id", Object[].class).getResultList());
        int rewrapped = 0;
        int unreadable = 0;
        for (Object[] row : stored) {
            if (!cipher.needsRewrap((String) row[1])) {
                continue;
            }
            UUID id = (UUID) row[0];
            Boolean done = QuarkusTransaction.requiringNew().call(() -> {
                ConnectionEntity entity = em.find(ConnectionEntity.class, id);
                String old = entity == null ? null : entity.secretsCiphertext;
                if (old == null || !cipher.needsRewrap(old)) {
                    return false;
                }
                String fresh;
                try {
                    fresh = rewrapOrRebind(cipher, entity, old);
                } catch (SecretUnreadableException e) {
                    LOG.warnf("The secrets of connection %s cannot be decrypted with the configured keys", id);
                    return null;
                }
                em.detach(entity);
                return em.createQuery("update ConnectionEntity set secretsCiphertext = :fresh where id = :id"
                        + " and secretsCiphertext = :old").setParameter("fresh", fresh).setParameter("id", id)
                        .setParameter("old", old).executeUpdate() == 1;
            });
            if (done == null) {
                unreadable++;
            } else if (done) {
                rewrapped++;
            }
        }
        return new RewrapReport(stored.size(), rewrapped, unreadable);
    }

    /** Re-wraps the data key; a secret stored before workspaces existed is re-encrypted with its new binding. */
    private String rewrapOrRebind(SecretCipher cipher, ConnectionEntity entity, String old) {
        try {
            return cipher.rewrap(old, aad(entity));
        } catch (SecretUnreadableException boundTheOldWay) {
            return cipher.encrypt(cipher.decrypt(old, workspaceAad(entity), legacyAad(entity)), aad(entity));
        }
    }

    /**
     * Binds a connection's ciphertext to its workspace, its id and — where the settings decide it — the origin its
     * secrets were entered for: copied into another row, the row moved to another workspace, or its stored address
     * changed behind the API's back, it no longer decrypts.
     */
    public String aad(ConnectionEntity entity) {
        return workspaceAad(entity) + types.find(entity.connectorId)
                .flatMap(connector -> origin(connector, readJson(entity.configJson))).map(o -> "/origin:" + o).orElse("");
    }

    /** The origin the connection's settings send credentials to, judged from its plain settings only. */
    static Optional<Origin> origin(ConnectionType connector, JsonNode settings) {
        ObjectNode plain = connector.schema().withDefaults(settings);
        plain.remove(connector.schema().secretFields());
        return connector.origin(plain);
    }

    /** The binding of secrets stored before origins were bound; re-encrypted with {@link #aad} on their next change. */
    static String workspaceAad(ConnectionEntity entity) {
        return "workspace:" + entity.workspaceId + "/connection:" + entity.id;
    }

    /** The binding of secrets stored before workspaces existed. */
    static String legacyAad(ConnectionEntity entity) {
        return "connection:" + entity.id;
    }

    private ConnectionView view(ConnectionEntity entity) {
        List<String> secretFields = new ArrayList<>();
        if (entity.secretsCiphertext != null) {
            Iterator<Map.Entry<String, JsonNode>> fields = secrets(entity).fields();
            fields.forEachRemaining(f -> secretFields.add(f.getKey()));
        }
        return new ConnectionView(entity.id, entity.name, entity.connectorId, readJson(entity.configJson), secretFields,
                entity.shared || entity.createdBy == null, entity.createdBy, entity.createdAt, entity.updatedAt,
                entity.authStatus, entity.lastCheckAt == null ? null : new ConnectionView.LastCheck(
                        Boolean.TRUE.equals(entity.lastCheckOk), entity.lastCheckMessage, entity.lastCheckAt));
    }

    private JsonNode readJson(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored JSON is unreadable", e);
        }
    }

    /** Records which connections a flow uses (replacing what was recorded before). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void linkFlow(UUID flowId, List<UUID> connectionIds) {
        em.createQuery("delete from FlowConnectionEntity where flowId = :id").setParameter("id", flowId).executeUpdate();
        for (UUID connectionId : connectionIds.stream().distinct().toList()) {
            FlowConnectionEntity link = new FlowConnectionEntity();
            link.flowId = flowId;
            link.connectionId = connectionId;
            em.persist(link);
        }
    }
}
