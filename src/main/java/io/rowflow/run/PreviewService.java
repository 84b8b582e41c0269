package io.rowflow.run;

import io.rowflow.flow.FlowDefinition;
import io.rowflow.flow.FlowEntity;
import io.rowflow.flow.FlowRequest;
import io.rowflow.flow.FlowService;
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
import jakarta.enterprise.context.ApplicationScoped;
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

    public PreviewService(FlowService flows, SourceExtractor extractor, PreviewCache cache, TransformConfig config,
            RunConfig runConfig) {
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
        return preview(definition, step);
    }

    public Preview preview(FlowDefinition definition, String step) throws SQLException {
        TransformClock clock = new TransformClock(Instant.now(), FlowService.zone(definition));
        List<PreviewCache.Extract> extracts = new ArrayList<>();
        for (FlowRequest.Source source : definition.sources()) {
            extracts.add(cache.extract(source.withParameters(DateMacros.resolve(source.parameters(), clock))));
        }
        return render(extracts, definition, step, clock, extractor.stagingSettings(), config.previewTimeLimit(),
                runConfig.previewRows());
    }

    /**
     * The step over kept extracts, each attached read-only to an in-memory database that is then locked down: the
     * extracts cannot change, and a preview's SQL is sandboxed as a run's is.
     */
    public static Preview render(List<PreviewCache.Extract> extracts, FlowDefinition definition, String step,
            TransformClock clock, StagingSettings settings, Duration timeLimit, int rows) throws SQLException {
        List<FlowRequest.Source> sources = definition.sources();
        try (StagingArea area = StagingArea.open(null, settings)) {
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
                    extracts.stream().anyMatch(PreviewCache.Extract::capped));
        }
    }
}
