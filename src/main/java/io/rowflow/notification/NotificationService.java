package io.rowflow.notification;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.common.error.RowflowException;
import io.rowflow.flow.FlowEntity;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.SafeHttpClient;
import io.rowflow.common.web.PublicUrl;
import io.rowflow.run.RunEntity;
import io.rowflow.run.RunStatus;
import io.rowflow.vault.RewrapReport;
import io.rowflow.vault.SecretCipher;
import io.rowflow.vault.SecretStore;
import io.rowflow.vault.SecretUnreadableException;
import org.jboss.logging.Logger;
import io.rowflow.workspace.WorkspaceScope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tells a workspace how its runs end, by posting JSON to the webhook addresses it registered. The body carries
 * {@code text} (what Slack's incoming webhooks show) and the same facts as fields for any other receiver. Channels
 * hear of failures and of the first success after a failure, or of every finished run.
 */
@ApplicationScoped
public class NotificationService implements SecretStore {
    private static final Logger LOG = Logger.getLogger(NotificationService.class);

    /**
     * A channel as the API shows it: never its address, only the address's host; whether its messages are signed, and
     * the signing secret only in the answer that made or replaced it (null otherwise).
     */
    public record ChannelView(UUID id, String name, String host, String events, Instant createdAt, boolean signed,
            String signingSecret) {
    }

    /** A new channel: its name, the address to post to, and which runs it hears of ({@code failures} by default). */
    public record ChannelRequest(@NotBlank @Size(max = 200) @io.rowflow.common.validation.PlainText String name,
            @NotBlank @Size(max = ConfigSchema.URL_MAX) String url,
            @Pattern(regexp = "failures|all", message = "must be failures or all") String events) {
    }

    public record Delivery(boolean ok, String message) {
    }

    private final EntityManager em;
    private final SecretCipher cipher;
    private final SafeHttpClient http;
    private final WorkspaceScope scope;
    private final AuditLog audit;
    private final PublicUrl publicUrl;
    private final ObjectMapper json;

    public NotificationService(EntityManager em, SecretCipher cipher, SafeHttpClient http, WorkspaceScope scope,
            AuditLog audit, PublicUrl publicUrl, ObjectMapper json) {
        this.em = em;
        this.cipher = cipher;
        this.http = http;
        this.scope = scope;
        this.audit = audit;
        this.publicUrl = publicUrl;
        this.json = json;
    }

    public List<ChannelView> list() {
        return channels(scope.require()).stream().map(NotificationService::view).toList();
    }

    private List<NotificationChannelEntity> channels(UUID workspaceId) {
        return em.createQuery("from NotificationChannelEntity where workspaceId = :workspace order by createdAt, id",
                NotificationChannelEntity.class).setParameter("workspace", workspaceId).getResultList();
    }

    /** Whether the flow's finished run before this one failed: this success is then a recovery. */
    private boolean previousFailed(RunEntity run) {
        List<RunStatus> before = em.createQuery("select r.status from RunEntity r where r.flowId = :flow and r.id <> :run"
                + " and r.status in :ended and r.endedAt <= :at order by r.endedAt desc", RunStatus.class)
                .setParameter("flow", run.flowId).setParameter("run", run.id)
                .setParameter("ended", List.of(RunStatus.SUCCEEDED, RunStatus.FAILED))
                .setParameter("at", run.endedAt).setMaxResults(1).getResultList();
        return !before.isEmpty() && before.get(0) == RunStatus.FAILED;
    }

    /** {@code request} is checked by Bean Validation at the API; the address is read here. */
    @Transactional
    public ChannelView create(ChannelRequest request, UUID userId) {
        URI url = address(request.url());
        String events = request.events() == null ? "failures" : request.events();
        NotificationChannelEntity channel = new NotificationChannelEntity();
        channel.id = UUID.randomUUID();
        channel.workspaceId = scope.require();
        channel.name = request.name().strip();
        channel.urlHost = url.getHost();
        channel.urlCiphertext = cipher.encrypt(url.toString(), aad(channel));
        channel.events = events;
        channel.createdBy = userId;
        channel.createdAt = Instant.now();
        String secret = newSigningSecret(channel);
        em.persist(channel);
        audit.record("notification.created", "notification:" + channel.id, channel.name + " (" + channel.urlHost + ")");
        return view(channel, secret);
    }

    /** A new signing secret for the channel, shown in this answer only; messages are signed with it from now on. */
    @Transactional
    public ChannelView replaceSigningSecret(UUID id) {
        NotificationChannelEntity channel = find(id);
        String secret = newSigningSecret(channel);
        audit.record("notification.signing-secret-replaced", "notification:" + id, channel.name);
        return view(channel, secret);
    }

    private String newSigningSecret(NotificationChannelEntity channel) {
        String secret = "whsec_" + io.rowflow.common.digest.RandomTokens.next();
        channel.signingSecretCiphertext = cipher.encrypt(secret, signingAad(channel));
        return secret;
    }

    @Transactional
    public void delete(UUID id) {
        NotificationChannelEntity channel = find(id);
        em.remove(channel);
        audit.record("notification.deleted", "notification:" + id, channel.name);
    }

    /** Posts a test message now and says how the receiver answered. */
    public Delivery test(UUID id) {
        NotificationChannelEntity channel = find(id);
        audit.record("notification.tested", "notification:" + id, channel.name);
        ObjectNode body = json.createObjectNode().put("text", "Rowflow test message: this channel (" + channel.name
                + ") will hear about runs.").put("event", "test");
        return deliver(channel, body);
    }

    /**
     * After a run ended (succeeded or failed, on the node that recorded it): posts to the flow's workspace channels
     * that want to hear of it. Returns a line per channel for the run's log; a receiver's failure never fails the run.
     */
    public List<String> runEnded(UUID runId) {
        record Ended(RunEntity run, FlowEntity flow, boolean recovered, List<NotificationChannelEntity> channels) {
        }
        Ended ended = QuarkusTransaction.requiringNew().call(() -> {
            RunEntity run = em.find(RunEntity.class, runId);
            FlowEntity flow = run == null ? null : em.find(FlowEntity.class, run.flowId);
            if (flow == null || (run.status != RunStatus.SUCCEEDED && run.status != RunStatus.FAILED)) {
                return null;
            }
            // A workspace without channels costs one query per run, nothing more.
            List<NotificationChannelEntity> channels = channels(flow.workspaceId);
            if (channels.isEmpty()) {
                return null;
            }
            return new Ended(run, flow, run.status == RunStatus.SUCCEEDED && previousFailed(run), channels);
        });
        if (ended == null) {
            return List.of();
        }
        String event = ended.run().status == RunStatus.FAILED ? "run.failed" : ended.recovered() ? "run.recovered" : "run.succeeded";
        ObjectNode body = message(event, ended.run(), ended.flow());
        List<String> lines = new ArrayList<>();
        for (NotificationChannelEntity channel : ended.channels()) {
            if (channel.events.equals("failures") && event.equals("run.succeeded")) {
                continue;
            }
            Delivery delivery = deliver(channel, body);
            lines.add((delivery.ok() ? "Notified " : "Could not notify ") + channel.name + " (" + channel.urlHost + ")"
                    + (delivery.ok() ? "" : ": " + delivery.message()));
        }
        return lines;
    }

    private ObjectNode message(String event, RunEntity run, FlowEntity flow) {
        String text = switch (event) {
            case "run.failed" -> "❌ Flow \"" + flow.name + "\" failed at " + run.failedStep + ": " + run.errorMessage;
            case "run.recovered" -> "✅ Flow \"" + flow.name + "\" succeeded again after a failure";
            default -> "✅ Flow \"" + flow.name + "\" succeeded";
        };
        String link = publicUrl.configured().map(base -> base + "/flows/" + flow.id + "/runs/" + run.id)
                .orElse(null);
        ObjectNode body = json.createObjectNode().put("text", link == null ? text : text + " — " + link).put("event", event);
        body.putObject("flow").put("id", flow.id.toString()).put("name", flow.name);
        ObjectNode runNode = body.putObject("run").put("id", run.id.toString()).put("status", run.status.id())
                .put("trigger", run.trigger).put("endedAt", String.valueOf(run.endedAt));
        if (run.status == RunStatus.FAILED) {
            runNode.putObject("error").put("step", run.failedStep).put("message", run.errorMessage)
                    .put("upstreamMessage", run.upstreamMessage);
        }
        if (link != null) {
            runNode.put("url", link);
        }
        return body;
    }

    private Delivery deliver(NotificationChannelEntity channel, ObjectNode body) {
        try {
            URI url = URI.create(cipher.decrypt(channel.urlCiphertext, aad(channel)));
            String text = json.writeValueAsString(body);
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            if (channel.signingSecretCiphertext != null) {
                long timestamp = Instant.now().getEpochSecond();
                String delivery = UUID.randomUUID().toString();
                headers.put(WebhookSignature.TIMESTAMP, Long.toString(timestamp));
                headers.put(WebhookSignature.DELIVERY, delivery);
                headers.put(WebhookSignature.SIGNATURE, WebhookSignature.sign(cipher.decrypt(
                        channel.signingSecretCiphertext, signingAad(channel)), timestamp, delivery,
                        text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            int status = http.execute(new HttpRequestSpec("POST", url, headers, text, true), answer -> {
                        answer.stream().readAllBytes();
                        return answer.status();
                    });
            return new Delivery(true, "The receiver answered HTTP " + status);
        } catch (RowflowException | IOException e) {
            return new Delivery(false, e.getMessage());
        }
    }

    private NotificationChannelEntity find(UUID id) {
        NotificationChannelEntity channel = id == null ? null : em.find(NotificationChannelEntity.class, id);
        if (channel == null) {
            throw NotFoundException.of("Notification channel", id);
        }
        scope.check(channel.workspaceId, "Notification channel", id);
        return channel;
    }

    private static URI address(String text) {
        String problem = "must be an http or https address, such as a Slack incoming webhook"
                + " (https://hooks.slack.com/services/…)";
        try {
            URI url = new URI(text.strip());
            if (url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
                throw InvalidInputException.field("url", problem);
            }
            return url;
        } catch (URISyntaxException e) {
            throw InvalidInputException.field("url", "is not a valid address: " + e.getReason());
        }
    }

    /** The address is bound to its workspace and channel: a ciphertext copied to another row does not open. */
    private static String aad(NotificationChannelEntity channel) {
        return "notification:" + channel.workspaceId + ":" + channel.id;
    }

    private static String signingAad(NotificationChannelEntity channel) {
        return aad(channel) + ":signing";
    }

    private static ChannelView view(NotificationChannelEntity channel) {
        return view(channel, null);
    }

    private static ChannelView view(NotificationChannelEntity channel, String signingSecret) {
        return new ChannelView(channel.id, channel.name, channel.urlHost, channel.events, channel.createdAt,
                channel.signingSecretCiphertext != null, signingSecret);
    }

    /** Addresses wrapped by an older master key move to the current one, one row per transaction. */
    @Override
    public RewrapReport rewrap(SecretCipher current) {
        List<UUID> ids = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select c.id from NotificationChannelEntity c order by c.id", UUID.class).getResultList());
        int rewrapped = 0;
        int unreadable = 0;
        for (UUID id : ids) {
            try {
                rewrapped += QuarkusTransaction.requiringNew().call(() -> {
                    NotificationChannelEntity channel = em.find(NotificationChannelEntity.class, id);
                    boolean signingOld = channel != null && channel.signingSecretCiphertext != null
                            && current.needsRewrap(channel.signingSecretCiphertext);
                    if (channel == null || !(current.needsRewrap(channel.urlCiphertext) || signingOld)) {
                        return 0;
                    }
                    channel.urlCiphertext = current.rewrap(channel.urlCiphertext, aad(channel));
                    if (channel.signingSecretCiphertext != null) {
                        channel.signingSecretCiphertext = current.rewrap(channel.signingSecretCiphertext,
                                signingAad(channel));
                    }
                    return 1;
                });
            } catch (SecretUnreadableException e) {
                LOG.warnf("The address of notification channel %s cannot be decrypted with the configured keys", id);
                unreadable++;
            }
        }
        return new RewrapReport(ids.size(), rewrapped, unreadable);
    }
}
