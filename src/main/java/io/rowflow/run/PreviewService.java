package io.rowflow.run;

import io.rowflow.flow.FlowEntity;
import io.rowflow.flow.FlowService;
import io.rowflow.flow.Preview;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StopReading;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Shows the first rows of a flow's source, typed as a run would type them, without writing anything. */
@ApplicationScoped
public class PreviewService {
    private final FlowService flows;
    private final SourceExtractor extractor;
    private final RunConfig config;

    public PreviewService(FlowService flows, SourceExtractor extractor, RunConfig config) {
        this.flows = flows;
        this.extractor = extractor;
        this.config = config;
    }

    public Preview preview(UUID flowId) throws SQLException {
        FlowEntity flow = flows.find(flowId);
        var definition = flows.definition(flow);
        int limit = config.previewRows();
        try (StagingArea area = StagingArea.open(null, extractor.stagingSettings())) {
            int[] seen = {0};
            boolean[] more = {false};
            StagedTable table = extractor.extract(area, definition.sources().get(0), sink -> record -> {
                if (seen[0] == limit) {
                    more[0] = true;
                    throw new StopReading();
                }
                seen[0]++;
                sink.accept(record);
            });
            List<Preview.PreviewColumn> columns = table.columns().stream()
                    .map(c -> new Preview.PreviewColumn(c.name(), c.type().id())).toList();
            List<List<Object>> rows = new ArrayList<>();
            if (!table.columns().isEmpty()) {
                try (Statement statement = area.connection().createStatement();
                        ResultSet rs = statement.executeQuery(table.selectAll())) {
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>();
                        for (int i = 0; i < table.columns().size(); i++) {
                            Object value = table.columns().get(i).type().read(rs, i + 1);
                            // Dates and timestamps as ISO text, as the API shows them everywhere.
                            row.add(value instanceof LocalDate || value instanceof LocalDateTime ? value.toString() : value);
                        }
                        rows.add(row);
                    }
                }
            }
            return new Preview(columns, rows, rows.size(), more[0]);
        }
    }
}
