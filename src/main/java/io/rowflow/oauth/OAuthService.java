package io.rowflow.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.digest.Digests;
import io.rowflow.common.digest.RandomTokens;
import io.rowflow.common.error.ConflictException;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.connection.ConnectionEntity;
import io.rowflow.connection.ConnectionService;
import io.rowflow.connection.TokenSource;
import io.rowflow.connector.ConnectionType;
import io.rowflow.connector.ConnectionTypeRegistry;
import io.rowflow.connector.OAuthSignIn;
import io.rowflow.connector.json.ApiRequest;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.vault.SecretCipher;
import io.rowflow.workspace.Caller;
import io.rowflow.workspace.WorkspaceScope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import io.rowflow.common.web.PublicUrl;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.net.WWWFormCodec;
import org.jboss.logging.Logger;

/**
 * OAuth 2.0 authorization code sign-in to a connector's provider, and the refresh of its tokens. A sign-in's state is
 * random, stored only as a hash, single-use, bound to the session (or user) that started it and valid for
 * {@code rowflow.oauth.state-ttl}; the PKCE verifier (S256) is kept encrypted until the code is exchanged. Tokens live
 * in the connection's encrypted secrets. A refresh happens under a lock on the connection's row, so that however many
 * runs on however many nodes need a fresh token at once, one refresh is made and the others use its result; a refresh
 * the provider refuses marks the connection "needs re-authorization".
 */
@ApplicationScoped
public class OAuthService implements TokenSource {
    private static final Logger LOG = Logger.getLogger(OAuthService.class);

    private final EntityManager em;
    private final OAuthConfig config;
    private final ConnectionTypeRegistry connectors;
    private final ConnectionService connections;
    private final SecretCipher cipher;
    private final SafeHttpClient http;
    private final WorkspaceScope scope;
    private final AuditLog audit;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;
    private final PublicUrl publicUrl;

    public OAuthService(EntityManager em, OAuthConfig config, ConnectionTypeRegistry connectors, ConnectionService connections,
            SecretCipher cipher, SafeHttpClient http, WorkspaceScope scope, AuditLog audit, ObjectMapper mapper,
            MeterRegistry metrics, PublicUrl publicUrl) {
        this.em = em;
        this.publicUrl = publicUrl;
        this.config = config;
        this.connectors = connectors;
        this.connections = connections;
        this.cipher = cipher;
        this.http = http;
        this.scope = scope;
        this.audit = audit;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /** A provider as this installation signs in to it: the manifest's endpoints, the configured registration. */
    record Provider(String connectorId, String name, URI authorizeUrl, URI tokenUrl, boolean pkce, String clientAuth,
            List<String> scopes, Map<String, String> extra, String clientId, String clientSecret, JsonNode resources,
            URI resourcesUrl, Map<String, String> tokenFields, OAuthSignIn signIn) {
    }

    /**
     * The provider for a connection with these settings: where the manifest's addresses are made from settings (a
     * Shopify shop's own host), they are filled in and checked (see {@link OAuthSignIn#oauthAddress}); the server's
     * configured addresses, where set, replace them as they are. Null settings: the addresses are not needed yet
     * (null in the answer).
     */
    Provider provider(String connectorId, JsonNode settings) {
        ConnectionType connector = connectors.find(connectorId).orElseThrow(() -> NotFoundException.of("Connector",
                connectorId));
        if (!(connector instanceof OAuthSignIn signIn) || signIn.oauth().isEmpty()) {
            throw new NotFoundException(connector.descriptor().name() + " has no sign-in with OAuth; connect it with its"
                    + " settings instead");
        }
        JsonNode oauth = signIn.oauth().get();
        OAuthConfig.Provider registration = config.provider().get(connectorId);
        if (registration == null) {
            throw new ConflictException("Sign-in with " + connector.descriptor().name() + " is not set up on this server:"
                    + " an administrator sets rowflow.oauth.provider." + connectorId + ".client-id and .client-secret");
        }
        Map<String, String> extra = new LinkedHashMap<>();
        oauth.path("extra_authorize_params").fields().forEachRemaining(e -> extra.put(e.getKey(), e.getValue().asText()));
        Map<String, String> tokenFields = new LinkedHashMap<>();
        oauth.path("token_fields").fields().forEachRemaining(e -> tokenFields.put(e.getKey(), e.getValue().asText()));
        return new Provider(connectorId, connector.descriptor().name(),
                registration.authorizeUrl().map(URI::create).orElseGet(() -> settings == null ? null
                        : signIn.oauthAddress("authorize_url", settings)),
                registration.tokenUrl().map(URI::create).orElseGet(() -> settings == null ? null
                        : signIn.oauthAddress("token_url", settings)),
                registration.pkce().orElse(oauth.path("pkce").asBoolean(false)),
                oauth.path("client_auth").asText("body"), signIn.oauthScopes(), extra,
                registration.clientId(), registration.clientSecret().orElse(""), oauth.get("resources"),
                oauth.has("resources") ? URI.create(registration.resourcesUrl().orElse(oauth.get("resources").get("url")
                        .asText())) : null, tokenFields, signIn);
    }

    /**
     * The redirect URI registered at the provider, exactly: the configured public URL plus the callback path; never
     * the request's Host header. {@code localPort}: the port this request's connection reached, for the embedded
     * default's http://localhost fallback.
     */
    String redirectUri(String connectorId, int localPort) {
        return publicUrl.base(localPort, "signing in to a provider") + "/api/v1/oauth/" + connectorId + "/callback";
    }

    /** Starts a sign-in: answers the provider's consent page to send the browser to. */
    public URI authorize(String connectorId, String connectionName, UUID reconnect, String sessionId, int localPort) {
        return authorize(connectorId, connectionName, reconnect, sessionId, localPort, Map.of());
    }

    /**
     * As above, with the settings the provider's addresses are made from ({@code given}: a shop name, from the
     * sign-in's own request; a reconnect takes the connection's unless given anew). They travel to the callback
     * encrypted in the sign-in's state and are stored in the connection with its tokens, so its credentials are bound
     * to the host they were issued by.
     */
    public URI authorize(String connectorId, String connectionName, UUID reconnect, String sessionId, int localPort,
            Map<String, String> given) {
        ConnectionType connector = connectors.find(connectorId).orElseThrow(() -> NotFoundException.of("Connector",
                connectorId));
        ObjectNode before = mapper.createObjectNode();
        List<String> asked = connector instanceof OAuthSignIn signIn ? signIn.settingsBeforeSignIn() : List.of();
        Caller caller = scope.current().orElseThrow(() -> new IllegalStateException("No workspace in this request"));
        if (reconnect != null) {
            ConnectionEntity existing = connections.find(reconnect);
            if (!existing.connectorId.equals(connectorId)) {
                throw InvalidInputException.field("connectionId", "that connection reads " + existing.connectorId
                        + ", not " + connectorId);
            }
            ObjectNode settings = connections.settingsOf(existing);
            asked.stream().filter(settings::hasNonNull).forEach(name -> before.set(name, settings.get(name)));
        }
        asked.stream().filter(given::containsKey).forEach(name -> before.put(name, given.get(name).strip()));
        Provider provider = provider(connectorId, before);
        String redirectUri = redirectUri(connectorId, localPort);
        String state = RandomTokens.next();
        String verifier = provider.pkce() ? RandomTokens.next() + RandomTokens.next() : null;
        OAuthStateEntity entity = new OAuthStateEntity();
        entity.stateHash = Digests.sha256(state);
        entity.userId = caller.userId();
        entity.sessionHash = sessionId == null ? null : Digests.sha256(sessionId);
        entity.workspaceId = caller.workspaceId();
        entity.connectorId = connectorId;
        entity.connectionId = reconnect;
        entity.connectionName = connectionName == null || connectionName.isBlank() ? provider.name() : connectionName.strip();
        // The verifier alone as before; with settings asked before sign-in, both as one JSON object.
        String kept = before.isEmpty() ? verifier : mapper.createObjectNode().put("verifier", verifier)
                .<ObjectNode>set("settings", before).toString();
        entity.verifierCiphertext = kept == null ? null : cipher.encrypt(kept, "oauth-state:" + entity.stateHash);
        entity.redirectUri = redirectUri;
        entity.createdAt = Instant.now();
        entity.expiresAt = entity.createdAt.plus(config.stateTtl());
        QuarkusTransaction.requiringNew().run(() -> {
            em.createQuery("delete from OAuthStateEntity where expiresAt < :now").setParameter("now", Instant.now())
                    .executeUpdate();
            em.persist(entity);
        });
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", provider.clientId());
        query.put("redirect_uri", entity.redirectUri);
        query.put("response_type", "code");
        query.put("scope", String.join(" ", provider.scopes()));
        query.put("state", state);
        if (verifier != null) {
            query.put("code_challenge", challenge(verifier));
            query.put("code_challenge_method", "S256");
        }
        query.putAll(provider.extra());
        return ApiRequest.withQuery(provider.authorizeUrl(), query, Map.of());
    }

    /** The provider sent the browser back: checks the state, exchanges the code, stores the tokens. */
    public UUID complete(String connectorId, String code, String state, String error, String sessionId, UUID userId) {
        // Checked first (an unknown connector, no client set up); its addresses once the state gave the settings.
        Provider checked = provider(connectorId, null);
        if (state == null || state.isBlank()) {
            throw InvalidInputException.field("state", "missing: start the sign-in again");
        }
        String hash = Digests.sha256(state);
        OAuthStateEntity used = QuarkusTransaction.requiringNew().call(() -> {
            OAuthStateEntity s = em.find(OAuthStateEntity.class, hash, LockModeType.PESSIMISTIC_WRITE);
            String problem = s == null || !s.connectorId.equals(connectorId) ? "unknown"
                    : s.usedAt != null ? "already used"
                    : s.expiresAt.isBefore(Instant.now()) ? "expired (a sign-in must end within " + config.stateTtl().toMinutes()
                            + " minutes)"
                    : !(s.sessionHash == null ? s.userId.equals(userId) : sessionId != null
                            && s.sessionHash.equals(Digests.sha256(sessionId))) ? "from another session"
                    : null;
            if (s != null && s.usedAt == null) {
                s.usedAt = Instant.now(); // presented once, spent: whoever presented it and whatever happens next
                em.flush();
            }
            if (problem != null) {
                return null;
            }
            em.detach(s);
            return s;
        });
        if (used == null) {
            throw InvalidInputException.field("state", "this sign-in is not valid (unknown, already used, expired or"
                    + " from another session): start it again from Rowflow");
        }
        if (error != null) {
            throw new UpstreamException(checked.name() + " did not grant access (" + error + "); nothing was connected");
        }
        if (code == null || code.isBlank()) {
            throw InvalidInputException.field("code", "missing from the provider's answer");
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", used.redirectUri);
        ObjectNode before = mapper.createObjectNode();
        if (used.verifierCiphertext != null) {
            String kept = cipher.decrypt(used.verifierCiphertext, "oauth-state:" + used.stateHash);
            String verifier = kept;
            if (kept.startsWith("{")) { // a verifier is base64url: a JSON object holds settings too
                JsonNode both = readTree(kept);
                before.setAll((ObjectNode) both.get("settings"));
                verifier = both.hasNonNull("verifier") ? both.get("verifier").asText() : null;
            }
            if (verifier != null) {
                form.put("code_verifier", verifier);
            }
        }
        Provider provider = provider(connectorId, before);
        ObjectNode tokens = tokens(provider, form, null);
        tokens.setAll(before);
        Long lifetime = lifetime(tokens);
        if (provider.resources() != null) {
            tokens.setAll(site(provider, tokens.get("access_token").asText()));
        }
        ConnectionEntity stored = QuarkusTransaction.requiringNew().call(() -> {
            ConnectionEntity existing = used.connectionId == null ? null
                    : em.find(ConnectionEntity.class, used.connectionId, LockModeType.PESSIMISTIC_WRITE);
            ConnectionEntity entity = connections.storeSignedIn(existing, connectorId, used.connectionName,
                    used.workspaceId, used.userId, tokens);
            entity.tokenLifetimeSeconds = lifetime;
            audit.recordFor(used.workspaceId, used.userId, null, existing == null ? "connection.created"
                    : "connection.reauthorized", "connection:" + entity.id, entity.name + " (signed in with "
                    + provider.name() + ")");
            return entity;
        });
        return stored.id;
    }

    /** The connection's access token, refreshed first when it expires within the margin. */
    @Override
    public String accessToken(UUID connectionId) {
        Long[] lifetime = { null };
        ObjectNode current = QuarkusTransaction.requiringNew().call(() -> {
            ConnectionEntity entity = em.find(ConnectionEntity.class, connectionId);
            lifetime[0] = entity.tokenLifetimeSeconds;
            return connections.settingsOf(entity);
        });
        if (fresh(current, lifetime[0])) {
            return current.path("access_token").asText();
        }
        return refreshed(connectionId, null);
    }

    @Override
    public String afterRejection(UUID connectionId, String rejected) {
        return refreshed(connectionId, rejected);
    }

    /**
     * Refreshes under the connection's row lock: concurrent callers wait, and the first refreshes; the others then find
     * a token that is fresh (or, after a rejection, a different one) and use it.
     */
    private String refreshed(UUID connectionId, String rejected) {
        String[] refused = { null };
        String token = QuarkusTransaction.requiringNew().call(() -> {
            ConnectionEntity entity = em.find(ConnectionEntity.class, connectionId, LockModeType.PESSIMISTIC_WRITE);
            ObjectNode settings = connections.settingsOf(entity);
            String stored = settings.path("access_token").asText();
            if (rejected == null ? fresh(settings, entity.tokenLifetimeSeconds) : !stored.equals(rejected)) {
                return stored;
            }
            Provider provider = provider(entity.connectorId, settings);
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", settings.path("refresh_token").asText());
            ObjectNode tokens;
            try {
                tokens = tokens(provider, form, settings.path("refresh_token").asText());
            } catch (UpstreamException e) {
                if (e.status() == 400 || e.status() == 401) {
                    entity.authStatus = "needs_reauthorization";
                    refused[0] = provider.name() + " no longer accepts this connection's sign-in (the refresh was"
                            + " refused): reconnect the account";
                    LOG.warnf("connection=%s: %s refused the token refresh; marked for re-authorization", connectionId,
                            provider.name());
                    return null;
                }
                throw e;
            }
            Long lifetime = lifetime(tokens);
            connections.storeSignedIn(entity, entity.connectorId, entity.name, entity.workspaceId, entity.createdBy, tokens);
            entity.tokenLifetimeSeconds = lifetime;
            metrics.counter("rowflow.oauth.refreshes", "connector", entity.connectorId).increment();
            return tokens.path("access_token").asText();
        });
        if (token == null) {
            throw new UpstreamException(refused[0], null, null, false, 401);
        }
        return token;
    }

    /**
     * Whether the token may be used as it is: it expires later than the refresh margin from now. The margin is the
     * setting, or a quarter of the token's lifetime when that is shorter: tokens living 5 s are refreshed about once
     * per 5 s, not before every request.
     */
    private boolean fresh(JsonNode settings, Long lifetimeSeconds) {
        if (!settings.hasNonNull("expires_at")) {
            return true;
        }
        return Instant.parse(settings.get("expires_at").asText()).isAfter(Instant.now().plus(margin(config.refreshMargin(),
                lifetimeSeconds)));
    }

    static java.time.Duration margin(java.time.Duration setting, Long lifetimeSeconds) {
        if (lifetimeSeconds == null || lifetimeSeconds <= 0) {
            return setting;
        }
        java.time.Duration quarter = java.time.Duration.ofSeconds(lifetimeSeconds).dividedBy(4);
        return quarter.compareTo(setting) < 0 ? quarter : setting;
    }

    /** The access token's lifetime the provider stated ({@code expires_in}), kept aside from the settings. */
    private static Long lifetime(ObjectNode tokens) {
        com.fasterxml.jackson.databind.JsonNode expiresIn = tokens.remove("expires_in");
        return expiresIn == null ? null : expiresIn.asLong();
    }

    /**
     * Which site the token reaches, for providers whose API address depends on it (Atlassian: the cloud id in
     * api.atlassian.com/ex/jira/{cloudid}): the first the account granted, kept in the connection's settings.
     */
    private ObjectNode site(Provider provider, String accessToken) {
        JsonNode sites = http.execute(HttpRequestSpec.get(provider.resourcesUrl(), Map.of("Authorization", "Bearer "
                + accessToken, "Accept", "application/json")), response -> mapper.readTree(response.stream()));
        if (!sites.isArray() || sites.isEmpty()) {
            throw new UpstreamException(provider.name() + " gave access to no site: sign in with an account that can"
                    + " use one, and grant it to Rowflow", sites.toString(), null);
        }
        JsonNode spec = provider.resources();
        ObjectNode settings = mapper.createObjectNode();
        settings.put(spec.get("into").asText(), sites.get(0).path(spec.get("id").asText()).asText());
        if (spec.hasNonNull("name") && spec.hasNonNull("name_into")) {
            settings.put(spec.get("name_into").asText(), sites.get(0).path(spec.get("name").asText()).asText());
        }
        return settings;
    }

    /** Calls the token endpoint; answers the connection settings to store: tokens and the access token's expiry. */
    private ObjectNode tokens(Provider provider, Map<String, String> form, String previousRefresh) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        Map<String, String> body = new LinkedHashMap<>(form);
        if (provider.clientAuth().equals("basic")) {
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString((provider.clientId() + ":"
                    + provider.clientSecret()).getBytes(StandardCharsets.UTF_8)));
        } else {
            body.put("client_id", provider.clientId());
            body.put("client_secret", provider.clientSecret());
        }
        String encoded;
        if (provider.clientAuth().equals("json")) {
            headers.put("Content-Type", "application/json");
            encoded = mapper.valueToTree(body).toString();
        } else {
            headers.put("Content-Type", "application/x-www-form-urlencoded");
            encoded = WWWFormCodec.format(body.entrySet().stream().map(e -> new BasicNameValuePair(e.getKey(),
                    e.getValue())).toList(), StandardCharsets.UTF_8);
        }
        JsonNode answer = http.execute(new HttpRequestSpec("POST", provider.tokenUrl(), headers, encoded),
                response -> mapper.readTree(response.stream()));
        if (!answer.hasNonNull("access_token")) {
            throw new UpstreamException(provider.name() + " answered the sign-in without an access token", answer.toString(),
                    null);
        }
        ObjectNode settings = mapper.createObjectNode();
        settings.put("access_token", answer.get("access_token").asText());
        // What else the manifest keeps of the answer (Pipedrive's api_domain), checked where it leads before it is kept.
        provider.tokenFields().forEach((field, setting) -> {
            if (answer.hasNonNull(field)) {
                settings.put(setting, answer.get(field).asText());
            }
        });
        if (!provider.tokenFields().isEmpty()) {
            provider.signIn().checkSignedIn(settings);
        }
        // Rotating refresh tokens: the new one replaces the old, which the provider no longer accepts.
        String refresh = answer.hasNonNull("refresh_token") ? answer.get("refresh_token").asText() : previousRefresh;
        if (refresh != null) {
            settings.put("refresh_token", refresh);
        }
        if (answer.hasNonNull("expires_in")) {
            settings.put("expires_at", Instant.now().plusSeconds(answer.get("expires_in").asLong()).toString());
            settings.put("expires_in", answer.get("expires_in").asLong());
        }
        return settings;
    }

    private JsonNode readTree(String json) {
        try {
            return mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("An unreadable sign-in state", e);
        }
    }

    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
