package io.rowflow.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.digest.Digests;
import io.rowflow.connection.ConnectionEntity;
import io.rowflow.connection.ConnectionService;
import io.rowflow.flow.FlowRequest;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.pipeline.StagingArea;
import io.rowflow.pipeline.StopReading;
import io.rowflow.storage.DataFolder;
import io.rowflow.transform.TransformConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Extracts of sources kept for previews, so that editing a step shows its effect without reading the source again:
 * one DuckDB file per source as configured (connection, its last change, stream and resolved parameters), reused for
 * {@code rowflow.transform.preview-cache-ttl}. A preview reads at most {@code preview-source-rows} rows of a source.
 */
@ApplicationScoped
public class PreviewCache {
    private static final Logger LOG = Logger.getLogger(PreviewCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A cached extract: the database file, the staged table in it, and whether the source had more rows. */
    public record Extract(Path file, StagedTable table, boolean capped) {
    }

    /** An extract's file, by the version of the file it was read from. */
    private record Kept(FileTime modified, Extract extract) {
    }

    private final Map<Path, Kept> kept = new ConcurrentHashMap<>();
    private final DataFolder dataFolder;
    private final SourceExtractor extractor;
    private final ConnectionService connections;
    private final TransformConfig config;

    public PreviewCache(DataFolder dataFolder, SourceExtractor extractor, ConnectionService connections,
            TransformConfig config) {
        this.dataFolder = dataFolder;
        this.extractor = extractor;
        this.connections = connections;
        this.config = config;
    }

    /** The source's extract, read now or reused; {@code source} has its date macros resolved already. */
    public Extract extract(FlowRequest.Source source) throws SQLException {
        ConnectionEntity connection = connections.find(source.connectionId());
        String key;
        try {
            key = Digests.sha256(String.join("\n", connection.id.toString(), String.valueOf(connection.updatedAt),
                    String.valueOf(source.stream()), JSON.writeValueAsString(source.parameters()),
                    Long.toString(config.previewSourceRows())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Path dir = dataFolder.folder("preview-cache");
        Path file = dir.resolve(key + ".duckdb");
        if (Files.exists(file) && fresh(file)) {
            try {
                return known(file);
            } catch (SQLException | IOException unreadable) {
                LOG.debugf("Preview extract %s unreadable, read again: %s", key, unreadable.getMessage());
            }
        }
        sweep(dir);
        Path scratch = dir.resolve("tmp-" + java.util.UUID.randomUUID());
        try {
            dataFolder.ensure(scratch);
            long cap = config.previewSourceRows();
            long[] seen = { 0 };
            boolean[] capped = { false };
            StagedTable table;
            try (StagingArea area = StagingArea.open(scratch, extractor.stagingSettings())) {
                table = extractor.extractSample(area, source, sink -> record -> {
                    if (seen[0] == cap) {
                        capped[0] = true;
                        throw new StopReading();
                    }
                    seen[0]++;
                    sink.accept(record);
                });
                writeMeta(area, table, capped[0]);
                try (Statement s = area.connection().createStatement()) {
                    s.execute("CHECKPOINT");
                }
            }
            DataFolder.restrictFile(scratch.resolve("stage.duckdb")); // DuckDB creates it 0644; it holds source data
            // Moved into place whole: a preview running meanwhile sees the old file or the new, never a partial one.
            Files.move(scratch.resolve("stage.duckdb"), file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Extract made = new Extract(file, table, capped[0]);
            kept.put(file, new Kept(Files.getLastModifiedTime(file), made));
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(scratch);
        }
    }

    /** What a kept extract holds, read from its file once per version of the file, not at every preview. */
    private Extract known(Path file) throws SQLException, IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        Kept memo = kept.get(file);
        if (memo != null && memo.modified().equals(modified)) {
            return memo.extract();
        }
        Extract extract = read(file);
        kept.put(file, new Kept(modified, extract));
        return extract;
    }

    private boolean fresh(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant().plus(config.previewCacheTtl()).isAfter(Instant.now());
        } catch (IOException e) {
            return false;
        }
    }

    private static void writeMeta(StagingArea area, StagedTable table, boolean capped) throws SQLException {
        try (Statement s = area.connection().createStatement()) {
            s.execute("CREATE TABLE rf_extract (table_name VARCHAR, capped BOOLEAN)");
            s.execute("CREATE TABLE rf_columns (ordinal INTEGER, name VARCHAR, type VARCHAR, sql_name VARCHAR)");
        }
        try (PreparedStatement p = area.connection().prepareStatement("INSERT INTO rf_extract VALUES (?, ?)")) {
            p.setString(1, table.sqlName());
            p.setBoolean(2, capped);
            p.execute();
        }
        try (PreparedStatement p = area.connection().prepareStatement("INSERT INTO rf_columns VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < table.columns().size(); i++) {
                Column c = table.columns().get(i);
                p.setInt(1, i);
                p.setString(2, c.name());
                p.setString(3, c.type().name());
                p.setString(4, c.sqlName());
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private Extract read(Path file) throws SQLException {
        try (StagingArea area = StagingArea.openReadOnly(file, extractor.stagingSettings());
                Statement s = area.connection().createStatement()) {
            String tableName;
            boolean capped;
            try (ResultSet rs = s.executeQuery("SELECT table_name, capped FROM rf_extract")) {
                rs.next();
                tableName = rs.getString(1);
                capped = rs.getBoolean(2);
            }
            List<Column> columns = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name, type, sql_name FROM rf_columns ORDER BY ordinal")) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), ColumnType.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                            rs.getString(3)));
                }
            }
            long rows;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + StagedTable.quote(tableName))) {
                rs.next();
                rows = rs.getLong(1);
            }
            return new Extract(file, new StagedTable(tableName, columns, rows), capped);
        }
    }

    /** Removes extracts past their time, so the cache does not grow with every edit of every flow. */
    private void sweep(Path dir) {
        try (Stream<Path> files = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            files.filter(f -> f.getFileName().toString().endsWith(".duckdb") && !fresh(f)).forEach(f -> {
                kept.remove(f);
                deleteQuietly(f);
            });
        } catch (IOException e) {
            LOG.debugf("Could not sweep the preview cache: %s", e.getMessage());
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(Path.of(file + ".wal"));
        } catch (IOException ignored) {
            // in use by a preview right now; the next sweep takes it
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(PreviewCache::deleteQuietly);
        } catch (IOException ignored) {
            // scratch left behind is swept with the rest
        }
    }
}
