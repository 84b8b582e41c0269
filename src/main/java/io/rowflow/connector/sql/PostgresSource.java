package io.rowflow.connector.sql;

import io.rowflow.common.schema.ConfigSchema;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL as a source (its own JDBC driver, the one the app's database uses). */
@ApplicationScoped
public class PostgresSource extends SqlDatabaseSource {
    public static final String ID = "postgresql";

    public PostgresSource() {
        super(ConfigSchema.fromResource("schemas/postgresql.json"));
    }

    @Override
    String id() {
        return ID;
    }

    @Override
    String name() {
        return "PostgreSQL";
    }

    @Override
    String url(String address, int port, String database, boolean tls, int timeoutSeconds) {
        return "jdbc:postgresql://" + address + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + "?sslmode=" + (tls ? "require" : "prefer") + "&connectTimeout=20&socketTimeout=" + (timeoutSeconds + 30)
                + "&ApplicationName=Rowflow&readOnly=true";
    }

    @Override
    void beginReadOnly(Connection connection, int timeoutSeconds) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
            s.execute("SET LOCAL statement_timeout = " + timeoutSeconds * 1000L);
            s.execute("SET LOCAL TIME ZONE 'UTC'");
        }
    }

    @Override
    String quote(String identifier) {
        return "\"" + identifier + "\"";
    }
}
