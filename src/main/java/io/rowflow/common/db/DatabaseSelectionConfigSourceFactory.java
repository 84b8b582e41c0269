package io.rowflow.common.db;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns the single user-facing switch {@code rowflow.db.kind} into Quarkus' per-datasource {@code active} flags, so
 * that exactly one of the two built-in datasources ("embedded" on H2, "pg" on PostgreSQL) and its persistence unit
 * and Flyway run. It also places the embedded database in the data folder. Quarkus fixes a datasource's kind at build time; activating one at start-up is its documented way
 * to choose a database from one artifact.
 */
public class DatabaseSelectionConfigSourceFactory implements ConfigSourceFactory {
    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue kind = context.getValue("rowflow.db.kind");
        String value = kind == null || kind.getValue() == null ? "embedded" : kind.getValue().trim().toLowerCase(Locale.ROOT);
        boolean postgres = value.equals("postgresql");
        String pg = Boolean.toString(postgres);
        String embedded = Boolean.toString(!postgres);
        ConfigValue dataDir = context.getValue("rowflow.storage.data-dir");
        Path folder = Path.of(dataDir == null || dataDir.getValue() == null ? "data" : dataDir.getValue());
        // H2 refuses relative paths; the data folder may be given relative to the working directory.
        String h2Url = "jdbc:h2:file:" + folder.toAbsolutePath().normalize().resolve("db").resolve("rowflow")
                + ";DB_CLOSE_ON_EXIT=FALSE";
        Map<String, String> flags = Map.of(
                "quarkus.datasource.embedded.jdbc.url", h2Url,
                "quarkus.datasource.pg.active", pg,
                "quarkus.hibernate-orm.pg.active", pg,
                "quarkus.datasource.embedded.active", embedded,
                "quarkus.hibernate-orm.embedded.active", embedded);
        // Low ordinal: an explicit quarkus.* setting still wins.
        return List.of(new MapBackedConfigSource("rowflow-db-selection", flags, 50) {
        });
    }
}
