package io.rowflow.connector.sql;

import io.rowflow.common.schema.ConfigSchema;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** MySQL and MariaDB as a source, through MariaDB's driver (it speaks to both). */
@ApplicationScoped
public class MySqlSource extends SqlDatabaseSource {
    public static final String ID = "mysql";

    public MySqlSource() {
        super(ConfigSchema.fromResource("schemas/mysql.json"));
    }

    @Override
    String id() {
        return ID;
    }

    @Override
    String name() {
        return "MySQL or MariaDB";
    }

    @Override
    String url(String host, String checked, int port, String database, int timeoutSeconds) {
        // The checked address itself: the driver cannot be given PinnedSocketFactory (see there), so the name is not
        // given to it, and verify-full (a name check) is not offered.
        return "jdbc:mariadb://" + checked + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + "?connectTimeout=20000&socketTimeout=" + (timeoutSeconds + 30) * 1000L
                + "&allowLocalInfile=false&allowMultiQueries=false";
    }

    @Override
    void connectionProperties(Tls tls, String checked, Properties properties) {
        // MariaDB's driver calls "require" trust (encrypted, the certificate unchecked).
        properties.setProperty("sslMode", tls.mode().equals("require") ? "trust" : tls.mode());
        String ca = tls.caPem();
        if (tls.verifies() && ca != null) {
            properties.setProperty("serverSslCert", ca);
        }
    }

    @Override
    String legacySslMode(boolean tls) {
        return tls ? "verify-ca" : "disable";
    }

    @Override
    void beginReadOnly(Connection connection, int timeoutSeconds) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET SESSION TRANSACTION READ ONLY");
            s.execute("SET time_zone = '+00:00'");
            s.execute("START TRANSACTION READ ONLY");
        }
    }

    @Override
    String quote(String identifier) {
        return "`" + identifier + "`";
    }
}
