package io.rowflow.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.digest.Digests;
import io.rowflow.common.digest.RandomTokens;
import io.rowflow.common.error.ConflictException;
import io.rowflow.common.error.FieldError;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.connection.ConnectionEntity;
import io.rowflow.connection.ConnectionService;
import io.rowflow.connector.ConnectorRegistry;
import io.rowflow.connector.SourceConnector;
import io.rowflow.schedule.FlowScheduleChanged;
import io.rowflow.schedule.FlowSchedules;
import io.rowflow.schedule.Schedule;
import io.rowflow.schedule.ScheduleCalculator;
import io.rowflow.transform.DateMacros;
import io.rowflow.transform.TransformClock;
import io.rowflow.transform.TransformPlan;
import io.rowflow.workspace.WorkspaceScope;
import io.rowflow.writer.DestinationWriter;
import io.rowflow.writer.WriterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Creates and changes flows, checking every reference and setting before anything is stored. */
@ApplicationScoped
public class FlowService implements FlowSchedules {
    private final EntityManager em;
    private final ObjectMapper mapper;
    private final ConnectionService connections;
    private final ConnectorRegistry connectors;
    private final WriterRegistry writers;
    private final WorkspaceScope scope;
    private final AuditLog audit;
    private final Event<FlowScheduleChanged> scheduleChanged;
    private final Event<FlowDeleted> deleted;

    public FlowService(EntityManager em, ObjectMapper mapper, ConnectionService connections, ConnectorRegistry connectors,
            WriterRegistry writers, WorkspaceScope scope, AuditLog audit, Event<FlowScheduleChanged> scheduleChanged,
            Event<FlowDeleted> deleted) {
        this.scheduleChanged = scheduleChanged;
        this.deleted = deleted;
        this.em = em;
        this.mapper = mapper;
        this.connections = connections;
        this.connectors = connectors;
        this.writers = writers;
        this.scope = scope;
        this.audit = audit;
    }

    @Transactional
    public FlowView create(FlowRequest request) {
        FlowEntity entity = new FlowEntity();
        entity.id = UUID.randomUUID();
        entity.createdAt = Instant.now();
        entity.workspaceId = scope.require();
        apply(entity, request);
        em.persist(entity);
        connections.linkFlow(entity.id, connectionIds(request));
        linkTriggers(entity.id, request.runAfter());
        audit.record("flow.created", "flow:" + entity.id, entity.name);
        scheduleChanged.fire(new FlowScheduleChanged(entity.id));
        return view(entity);
    }

    @Transactional
    public FlowView update(UUID id, FlowRequest request) {
        FlowEntity entity = find(id);
        apply(entity, request);
        connections.linkFlow(entity.id, connectionIds(request));
        linkTriggers(entity.id, request.runAfter());
        audit.record("flow.updated", "flow:" + entity.id, entity.name);
        scheduleChanged.fire(new FlowScheduleChanged(entity.id));
        return view(entity);
    }

    @Transactional
    public void delete(UUID id) {
        FlowEntity flow = find(id);
        List<UUID> dependents = downstream(id);
        if (!dependents.isEmpty()) {
            throw new ConflictException("Flows " + dependents + " run after this flow; remove it from their runAfter first");
        }
        em.remove(flow);
        audit.record("flow.deleted", "flow:" + id, flow.name);
        scheduleChanged.fire(new FlowScheduleChanged(id));
        deleted.fire(new FlowDeleted(id));
    }

    /** Makes a new webhook secret for the flow (the old one stops working at once) and returns it, shown only now. */
    @Transactional
    public String rotateWebhookSecret(UUID id) {
        FlowEntity flow = find(id);
        String secret = RandomTokens.next();
        // Kept as a hash: a copy of the database does not let anyone trigger flows.
        flow.webhookSecretHash = Digests.sha256(secret);
        audit.record("flow.webhook-rotated", "flow:" + id, flow.name);
        return secret;
    }

    @Transactional
    public void disableWebhook(UUID id) {
        FlowEntity flow = find(id);
        flow.webhookSecretHash = null;
        audit.record("flow.webhook-disabled", "flow:" + id, flow.name);
    }

    /** The flow whose webhook secret this is, or a 404 that says nothing more. */
    public FlowEntity findByWebhookSecret(String secret) {
        return em.createQuery("from FlowEntity where webhookSecretHash = :hash", FlowEntity.class)
                .setParameter("hash", Digests.sha256(secret)).getResultStream().findFirst()
                .orElseThrow(() -> new NotFoundException("No webhook at this address"));
    }

    /** A flow's own run time limit, or null when the text is not one (ISO-8601, 1 s to 24 h). */
    public static Duration timeout(String text) {
        try {
            Duration duration = Duration.parse(text.strip());
            return duration.compareTo(Duration.ofSeconds(1)) >= 0 && duration.compareTo(Duration.ofHours(24)) <= 0
                    ? duration : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The flows that run right after {@code flowId} succeeds. */
    public List<UUID> downstream(UUID flowId) {
        return em.createQuery("select t.flowId from FlowTriggerEntity t where t.afterFlowId = :id order by t.flowId",
                UUID.class).setParameter("id", flowId).getResultList();
    }

    private List<UUID> upstream(UUID flowId) {
        return em.createQuery("select t.afterFlowId from FlowTriggerEntity t where t.flowId = :id order by t.afterFlowId",
                UUID.class).setParameter("id", flowId).getResultList();
    }

    private void linkTriggers(UUID flowId, List<UUID> runAfter) {
        em.createQuery("delete from FlowTriggerEntity where flowId = :id").setParameter("id", flowId).executeUpdate();
        for (UUID after : runAfter == null ? List.<UUID>of() : runAfter.stream().distinct().toList()) {
            FlowTriggerEntity trigger = new FlowTriggerEntity();
            trigger.flowId = flowId;
            trigger.afterFlowId = after;
            em.persist(trigger);
        }
    }

    /** Problems with {@code runAfter}: unknown flows, the flow itself, or a chain that would loop back to it. */
    private List<FieldError> triggerErrors(UUID flowId, List<UUID> runAfter) {
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; runAfter != null && i < runAfter.size(); i++) {
            UUID after = runAfter.get(i);
            String field = "runAfter[" + i + "]";
            if (after.equals(flowId)) {
                errors.add(new FieldError(field, "a flow cannot run after itself"));
            } else if (!exists(after)) {
                errors.add(new FieldError(field, "no flow " + after));
            } else if (flowId != null && reachesDownstream(flowId, after)) {
                errors.add(new FieldError(field, "flow " + after + " already runs after this one (directly or through"
                        + " other flows); the chain would loop forever"));
            }
        }
        return errors;
    }

    /** Whether {@code target} runs, directly or transitively, after {@code start} succeeds. */
    private boolean reachesDownstream(UUID start, UUID target) {
        Set<UUID> seen = new HashSet<>();
        Deque<UUID> pending = new ArrayDeque<>(downstream(start));
        while (!pending.isEmpty()) {
            UUID next = pending.pop();
            if (next.equals(target)) {
                return true;
            }
            if (seen.add(next)) {
                pending.addAll(downstream(next));
            }
        }
        return false;
    }

    public FlowView get(UUID id) {
        return view(find(id));
    }

    @Override
    public Map<UUID, Schedule> of(Collection<UUID> flowIds) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            Map<UUID, Schedule> schedules = new LinkedHashMap<>();
            for (FlowEntity entity : em.createQuery("from FlowEntity where id in :ids", FlowEntity.class)
                    .setParameter("ids", flowIds).getResultList()) {
                Schedule schedule = schedule(entity);
                if (schedule != null) {
                    schedules.put(entity.id, schedule);
                }
            }
            return schedules;
        });
    }

    @Override
    public Map<UUID, Schedule> all() {
        return QuarkusTransaction.joiningExisting().call(() -> {
            Map<UUID, Schedule> schedules = new LinkedHashMap<>();
            for (FlowEntity entity : em.createQuery("from FlowEntity order by id", FlowEntity.class).getResultList()) {
                Schedule schedule = schedule(entity);
                if (schedule != null) {
                    schedules.put(entity.id, schedule);
                }
            }
            return schedules;
        });
    }

    private Schedule schedule(FlowEntity entity) {
        JsonNode node = definition(entity).schedule();
        return node == null || node.isNull() ? null : ScheduleCalculator.parse(node);
    }

    /** The flows of the caller's workspace. */
    public List<FlowView> list() {
        return em.createQuery("from FlowEntity where workspaceId = :w order by createdAt", FlowEntity.class)
                .setParameter("w", scope.require()).getResultList().stream().filter(this::readable).map(this::view)
                .toList();
    }

    /**
     * A flow, if it exists and (in a member's request) lies in the caller's workspace and reads only connections the
     * caller may see; else 404. A flow over a private connection is as private as the connection: only its owner
     * sees, runs, previews and downloads it (docs/security.md, "Private connections").
     */
    public FlowEntity find(UUID id) {
        FlowEntity entity = id == null ? null : em.find(FlowEntity.class, id);
        if (entity == null) {
            throw NotFoundException.of("Flow", id);
        }
        scope.check(entity.workspaceId, "Flow", id);
        if (!readable(entity)) {
            throw NotFoundException.of("Flow", id);
        }
        return entity;
    }

    /** Whether the caller may see every connection the flow reads (always, outside a member's request). */
    private boolean readable(FlowEntity flow) {
        if (scope.current().isEmpty()) {
            return true;
        }
        return em.createQuery("select fc.connectionId from FlowConnectionEntity fc where fc.flowId = :id", UUID.class)
                .setParameter("id", flow.id).getResultList().stream()
                .allMatch(connection -> connections.findVisible(connection).isPresent());
    }

    private boolean exists(UUID id) {
        try {
            find(id);
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    public FlowDefinition definition(FlowEntity entity) {
        try {
            // Stored by this or an earlier version: read leniently (requests are strict, the database is ours).
            return mapper.readerFor(FlowDefinition.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(entity.definitionJson);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The stored definition of flow " + entity.id + " is unreadable", e);
        }
    }

    /** The flow's time zone: its schedule's, UTC when it has none. Relative dates and date macros count in it. */
    public static ZoneId zone(FlowDefinition definition) {
        String zone = definition.schedule() == null ? null : definition.schedule().path("timezone").asText(null);
        try {
            return zone == null ? ZoneOffset.UTC : ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** An unsaved flow (the builder's state) checked as a save would check it, for a preview. */
    public FlowDefinition checkedDraft(FlowRequest draft, UUID flowId) {
        List<FieldError> errors = errors(flowId, draft);
        if (!errors.isEmpty()) {
            throw InvalidInputException.of(errors);
        }
        return definitionOf(draft);
    }

    /** The connections the flow reads from and writes through: none of them can be deleted while the flow uses it. */
    private List<UUID> connectionIds(FlowRequest request) {
        List<UUID> ids = new ArrayList<>(request.sources().stream().map(FlowRequest.Source::connectionId).toList());
        for (FlowRequest.Destination destination : request.destinations()) {
            writers.find(destination.type()).flatMap(w -> w.connectionId(destination.settings()))
                    .filter(id -> !ids.contains(id)).ifPresent(ids::add);
        }
        return ids;
    }

    private static FlowDefinition definitionOf(FlowRequest request) {
        return new FlowDefinition(request.sources(), request.transform(), request.destinations(), request.schedule(),
                request.timeout(), request.onlyIfChanged(), request.retries(), request.emptyResult());
    }

    private void apply(FlowEntity entity, FlowRequest request) {
        List<FieldError> errors = errors(entity.id, request);
        if (!errors.isEmpty()) {
            throw InvalidInputException.of(errors);
        }
        entity.name = request.name().strip();
        entity.updatedAt = Instant.now();
        // Changed settings must reach the destinations even if the data did not change.
        entity.lastWrittenHash = null;
        try {
            entity.definitionJson = mapper.writeValueAsString(definitionOf(request));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<FieldError> errors(UUID flowId, FlowRequest request) {
        List<FieldError> errors = new ArrayList<>();
        TransformClock clock = new TransformClock(Instant.now(), zone(definitionOf(request)));
        errors.addAll(TransformPlan.check(request.sources(), request.transform(), clock));
        for (int i = 0; i < request.sources().size(); i++) {
            FlowRequest.Source source = request.sources().get(i);
            String field = "sources[" + i + "]";
            ConnectionEntity connection = connections.findVisible(source.connectionId()).orElse(null);
            if (connection == null) {
                errors.add(new FieldError(field + ".connectionId", "no connection " + source.connectionId()));
                continue;
            }
            SourceConnector connector = connectors.require(connection.connectorId, field + ".connectionId");
            if (source.stream() != null && !connector.descriptor().streams().contains(source.stream())) {
                errors.add(new FieldError(field + ".stream", "unknown stream \"" + source.stream() + "\"; "
                        + connection.connectorId + " has " + connector.descriptor().streams()));
            }
            if (source.incremental() && !connector.incremental(source.stream())) {
                errors.add(new FieldError(field + ".sync", "the stream \"" + (source.stream() == null
                        ? connector.descriptor().streams().get(0) : source.stream()) + "\" of " + connector.descriptor().name()
                        + " cannot be read incrementally; read it in full"));
            }
            List<FieldError> macros = DateMacros.check(source.parameters(), field + ".parameters");
            errors.addAll(macros);
            if (macros.isEmpty() && source.parameters() != null && !source.parameters().isEmpty()) {
                try {
                    ObjectNode merged = (ObjectNode) connections.sourceContext(connection,
                            DateMacros.resolve(source.parameters(), clock)).config();
                    errors.addAll(connector.schema().errors(merged, field + ".parameters"));
                } catch (InvalidInputException refused) {
                    refused.fieldErrors().forEach(e -> errors.add(new FieldError(field + "." + e.field(), e.message())));
                }
            }
        }
        for (int i = 0; i < request.destinations().size(); i++) {
            FlowRequest.Destination destination = request.destinations().get(i);
            String field = "destinations[" + i + "]";
            DestinationWriter writer = writers.find(destination.type()).orElse(null);
            if (writer == null) {
                errors.add(new FieldError(field + ".type", writers.unknown(destination.type())));
                continue;
            }
            errors.addAll(writer.schema().errors(destination.settings() == null ? mapper.createObjectNode()
                    : destination.settings(), field + ".settings"));
            String connectionType = writer.descriptor().connectionType();
            if (connectionType != null && !connections.usable(writer.connectionId(destination.settings()).orElse(null),
                    connectionType)) {
                errors.add(new FieldError(field + ".settings.connectionId", "must name a " + connections.typeName(
                        connectionType) + " connection of this workspace"));
            }
            errors.addAll(writer.check(destination.settings(), field + ".settings"));
            if (request.sources().stream().anyMatch(FlowRequest.Source::incremental)
                    && !writer.keepsEarlierRows(destination.settings())) {
                errors.add(new FieldError(field + ".settings.mode", "an incremental source reads only what changed,"
                        + " so this destination must keep its earlier rows: set its mode to " + keepingModes(writer)
                        + " instead of replacing its rows"));
            }
        }
        errors.addAll(ScheduleCalculator.errors(request.schedule(), "schedule"));
        errors.addAll(triggerErrors(flowId, request.runAfter()));
        if (request.timeout() != null && timeout(request.timeout()) == null) {
            errors.add(new FieldError("timeout", "must be an ISO-8601 duration from PT1S to PT24H, e.g. PT30M"));
        }
        return errors;
    }

    /** The writer's own modes that keep earlier rows, as its settings schema lists them: "append" or "upsert". */
    private static String keepingModes(DestinationWriter writer) {
        List<String> modes = new java.util.ArrayList<>();
        writer.schema().document().path("properties").path("mode").path("enum").forEach(m -> {
            if (!m.asText().equals("replace")) {
                modes.add("\"" + m.asText() + "\"" + (m.asText().equals("upsert") ? " (with keyColumns)" : ""));
            }
        });
        return modes.isEmpty() ? "\"append\"" : String.join(" or ", modes);
    }

    private FlowView view(FlowEntity entity) {
        FlowDefinition definition = definition(entity);
        return new FlowView(entity.id, entity.name, definition.sources(), definition.transform(), definition.destinations(),
                definition.schedule(), upstream(entity.id), definition.timeout(), definition.skipsUnchanged(),
                definition.retries(), definition.emptyResult(), entity.createdAt, entity.updatedAt);
    }
}
