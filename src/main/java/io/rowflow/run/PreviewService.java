package io.rowflow.run;

import io.rowflow.flow.FlowDefinition;
import io.rowflow.flow.FlowEntity;
import io.rowflow.flow.FlowRequest;
import io.rowflow.flow.FlowService;
import io.rowflow.http.OutboundShares;
import io.rowflow.flow.Preview;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.transform.DateMacros;
import io.rowflow.transform.Relation;
import io.rowflow.transform.Sql;
import io.rowflow.transform.TransformClock;
import io.rowflow.transform.TransformConfig;
import io.rowflow.transform.TransformPlan;
import io.rowflow.transform.TransformSession;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.error.TooManyRequestsException;
import io.rowflow.storage.DataFolder;
import io.rowflow.workspace.Caller;
import io.rowflow.workspace.WorkspaceScope;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Shows any step of a flow — a source as read, after one of its steps, combined, or the result — with its first rows,
 * its columns and types and its row count, without writing anything. Sources come from {@link PreviewCache}, so that
 * editing a step answers from the kept extract; the transform runs in a locked-down in-memory database.
 */
@ApplicationScoped
public class PreviewService {
    private final FlowService flows;
    private final SourceExtractor extractor;
    private final PreviewCache cache;
    private final TransformConfig config;
    private final RunConfig runConfig;
    private final DataFolder dataFolder;
    private final WorkspaceScope scope;
    private final AuditLog audit;
    private final WorkspaceSlots slots;
    /** How long a preview waits for a free slot before it is refused. */
    private static final Duration SLOT_WAIT = Duration.ofSeconds(5);
    /** A preview spills at most this much to disk; past it the query fails with DuckDB's own message. */
    private static final String PREVIEW_MAX_SPILL = "1GB";
    /** The slot key of a preview outside any workspace's request (none today; a safe default). */
    private static final UUID NO_WORKSPACE = new UUID(0, 0);

    public PreviewService(FlowService flows, SourceExtractor extractor, PreviewCache cache, TransformConfig config,
            RunConfig runConfig, DataFolder dataFolder, WorkspaceScope scope, AuditLog audit) {
        this.audit = audit;
        this.dataFolder = dataFolder;
        this.scope = scope;
        this.slots = new WorkspaceSlots(runConfig.maxConcurrentPreviews(), runConfig.maxConcurrentPreviewsPerWorkspace());
        this.flows = flows;
        this.extractor = extractor;
        this.cache = cache;
        this.config = config;
        this.runConfig = runConfig;
    }

    /** The saved flow's step, or the draft's (the builder's unsaved state) when one is given. */
    public Preview preview(UUID flowId, FlowRequest draft, String step) throws SQLException {
        FlowEntity flow = flows.find(flowId);
        FlowDefinition definition = draft == null ? flows.definition(flow) : flows.checkedDraft(draft, flowId);
        return preview(flowId, definition, step);
    }

    /**
     * Computes the preview in one of the node's preview slots (a workspace holds only its share of them), in an
     * in-memory database that spills only to a folder of its own, removed afterwards.
     */
    public Preview preview(UUID flowId, FlowDefinition definition, String step) throws SQLException {
        // Who looked at which connections' data is audited, for saved flows and the builder's drafts alike.
        audit.record("flow.previewed", flowId == null ? "flow:unsaved" : "flow:" + flowId, (step == null ? "result"
                : step) + " of connection(s) " + definition.sources().stream().map(s -> String.valueOf(s.connectionId()))
                        .distinct().collect(java.util.stream.Collectors.joining(", ")));
        UUID workspace = scope.current().map(Caller::workspaceId).orElse(NO_WORKSPACE);
        try {
            if (!slots.take(workspace, SLOT_WAIT.toMillis())) {
                throw new TooManyRequestsException("Too many previews are being computed at once (a workspace computes "
                        + runConfig.maxConcurrentPreviewsPerWorkspace() + " at a time); try again in a moment",
                        Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("The preview was stopped");
        }
        Path spill = null;
        try (OutboundShares.Scope outbound = OutboundShares.as(workspace)) {
            spill = scratchFolder();
            TransformClock clock = new TransformClock(Instant.now(), FlowService.zone(definition));
            List<PreviewCache.Extract> extracts = new ArrayList<>();
            for (FlowRequest.Source source : definition.sources()) {
                extracts.add(cache.extract(source.withParameters(DateMacros.resolve(source.parameters(), clock))));
            }
            return render(extracts, definition, step, clock, spill, extractor.stagingSettings()
                    .withMaxSpill(PREVIEW_MAX_SPILL), config.previewTimeLimit(), runConfig.previewRows());
        } finally {
            slots.release(workspace);
            RunExecutor.deleteQuietly(spill);
        }
    }

    /** A new folder only this preview's database uses (0700), under the data folder's previews/. */
    private Path scratchFolder() {
        try {
            Path parent = Files.createDirectories(dataFolder.root().resolve("previews"));
            return Files.createTempDirectory(parent, "preview-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make a folder for the preview", e);
        }
    }

    /**
     * The step over kept extracts, each attached read-only to an in-memory database that is then locked down: the
     * extracts cannot change, and a preview's SQL is sandboxed as a run's is.
     */
    public static Preview render(List<PreviewCache.Extract> extracts, FlowDefinition definition, String step,
            TransformClock clock, Path spill, StagingSettings settings, Duration timeLimit, int rows) throws SQLException {
        List<FlowRequest.Source> sources = definition.sources();
        try (StagingArea area = StagingArea.openInMemory(spill, settings)) {
            try (Statement s = area.connection().createStatement()) {
                for (int i = 0; i < extracts.size(); i++) {
                    s.execute("ATTACH " + Sql.literal(extracts.get(i).file().toString()) + " AS s" + i + " (READ_ONLY)");
                }
            }
            TransformSession session = TransformSession.over(area.connection(), clock, timeLimit,
                    extracts.stream().map(PreviewCache.Extract::table).toList(), i -> "s" + i);
            Relation shown = TransformPlan.run(session, sources, definition.transform(), step);
            TransformSession.Sample sample = session.sample(shown, rows);
            String shownStep = session.stepOf(shown);
            return new Preview(sample.columns().stream().map(c -> new Preview.PreviewColumn(c.name(), c.type().id()))
                    .toList(), sample.rows(), sample.rows().size(), sample.total() > sample.rows().size(), sample.total(),
                    shownStep, TransformPlan.stageIds(sources, definition.transform()),
                    extracts.stream().anyMatch(PreviewCache.Extract::capped),
                    session.conversionLosses(shownStep).stream().map(loss -> new Preview.EmptiedValues(loss.step(),
                            loss.column(), loss.to(), loss.values(), loss.examples())).toList());
        }
    }
}
