package io.rowflow.connector.sql;

import io.rowflow.common.schema.ConfigSchema;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

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
    String url(String host, String checked, int port, String database, int timeoutSeconds) {
        // The name, so that verify-full checks the certificate against it; the socket goes to the checked address.
        return "jdbc:postgresql://" + host + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + "?connectTimeout=20&socketTimeout=" + (timeoutSeconds + 30) + "&ApplicationName=Rowflow&readOnly=true";
    }

    @Override
    void connectionProperties(Tls tls, String checked, Properties properties) {
        properties.setProperty("socketFactory", PinnedSocketFactory.class.getName());
        properties.setProperty(PinnedSocketFactory.PINNED_ADDRESS, checked);
        properties.setProperty("sslmode", tls.mode());
        if (tls.verifies()) {
            // The CA given, else Java's trusted authorities: libpq's default (~/.postgresql/root.crt) means nothing here.
            String ca = tls.caPem();
            properties.setProperty("sslfactory", ca == null ? "org.postgresql.ssl.DefaultJavaSSLFactory"
                    : "org.postgresql.ssl.SingleCertValidatingFactory");
            if (ca != null) {
                properties.setProperty("sslfactoryarg", ca);
            }
        }
    }

    @Override
    String legacySslMode(boolean tls) {
        return tls ? "require" : "prefer";
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
