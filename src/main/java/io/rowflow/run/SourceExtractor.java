package io.rowflow.run;

import io.rowflow.common.error.RowflowException;
import io.rowflow.connection.ConnectionEntity;
import io.rowflow.connection.ConnectionService;
import io.rowflow.connector.ConnectorRegistry;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.flow.FlowRequest;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StagingSettings;
import io.rowflow.pipeline.StopReading;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.function.UnaryOperator;

/** Reads one flow source into a staging database: shared by runs and previews. */
@ApplicationScoped
public class SourceExtractor {
    private final ConnectionService connections;
    private final ConnectorRegistry connectors;
    private final RunConfig config;

    public SourceExtractor(ConnectionService connections, ConnectorRegistry connectors, RunConfig config) {
        this.connections = connections;
        this.connectors = connectors;
        this.config = config;
    }

    public StagingSettings stagingSettings() {
        return new StagingSettings(config.stagingMemoryLimit(), config.stagingThreads());
    }

    public SourceConnector connector(FlowRequest.Source source) {
        return connectors.require(connection(source).connectorId, "connectionId");
    }

    /**
     * Stages the source's first records, as a preview does; {@code wrap} cuts the record stream. The source is told
     * the read is a sample, so it skips work meant for whole reads (Shopify's bulk export).
     */
    public StagedTable extractSample(StagingArea area, FlowRequest.Source source, UnaryOperator<RecordSink> wrap)
            throws SQLException {
        return extract(area, source, null, true, wrap);
    }

    /** Stages what changed of the source since {@code sync}'s state (null: all of it). */
    public StagedTable extract(StagingArea area, FlowRequest.Source source, IncrementalSync sync,
            UnaryOperator<RecordSink> wrap) throws SQLException {
        return extract(area, source, sync, false, wrap);
    }

    private StagedTable extract(StagingArea area, FlowRequest.Source source, IncrementalSync sync, boolean sample,
            UnaryOperator<RecordSink> wrap) throws SQLException {
        ConnectionEntity connection = connection(source);
        StagedTable table = stage(area, connection, source, sync, sample, (connector, context, sink) -> {
            try {
                connector.read(context, wrap.apply(sink));
            } catch (StopReading enough) {
                // The caller has what it needs.
            }
        });
        connections.readSucceeded(connection, "Read " + table.rowCount() + " row(s)");
        return table;
    }

    /**
     * Stages the records the source says were deleted since {@code sync}'s state, after {@link #extract} read what
     * changed with the same sync; null when the source's stream cannot list its deletions.
     */
    public StagedTable extractDeletions(StagingArea area, FlowRequest.Source source, IncrementalSync sync,
            UnaryOperator<RecordSink> wrap) throws SQLException {
        ConnectionEntity connection = connection(source);
        if (sync == null || !connectors.require(connection.connectorId, "connectionId").listsDeletions(source.stream())) {
            return null;
        }
        return stage(area, connection, source, sync, false,
                (connector, context, sink) -> connector.readDeletions(context, wrap.apply(sink)));
    }

    /** One way a source is read into staging: its records, or the records it says were deleted. */
    private interface Reading {
        void read(SourceConnector connector, SourceContext context, RecordSink sink);
    }

    /** Stages what {@code reading} gets from the source; a key or token the provider refuses marks the connection. */
    private StagedTable stage(StagingArea area, ConnectionEntity connection, FlowRequest.Source source,
            IncrementalSync sync, boolean sample, Reading reading) throws SQLException {
        SourceConnector connector = connectors.require(connection.connectorId, "connectionId");
        SourceContext opened = connections.sourceContext(connection, source.parameters()).withStream(source.stream())
                .withSync(sync);
        SourceContext context = sample ? opened.asSample() : opened;
        return area.stage(connector.textInference(), sink -> {
            try {
                reading.read(connector, context, sink);
            } catch (RowflowException e) {
                connections.readFailed(connection, e);
                throw e;
            }
        });
    }

    private ConnectionEntity connection(FlowRequest.Source source) {
        return connections.find(source.connectionId());
    }
}
