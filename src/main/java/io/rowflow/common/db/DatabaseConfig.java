package io.rowflow.common.db;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Which database Rowflow keeps its own state in. */
@ConfigMapping(prefix = "rowflow.db")
public interface DatabaseConfig {
    /**
     * {@code embedded} (the default: an H2 database in the data folder, nothing to install) or {@code postgresql}
     * (production; several replicas share it). One build serves both: the choice is made at start-up.
     */
    @WithDefault("embedded")
    Kind kind();

    /** JDBC URL of the PostgreSQL database, e.g. {@code jdbc:postgresql://db:5432/rowflow}. */
    Optional<String> url();

    /** PostgreSQL user. */
    Optional<String> username();

    /** PostgreSQL password; prefer a secret-backed environment variable (ROWFLOW_DB_PASSWORD). */
    Optional<String> password();

    enum Kind {
        EMBEDDED,
        POSTGRESQL
    }
}
