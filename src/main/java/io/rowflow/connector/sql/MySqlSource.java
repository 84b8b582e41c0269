package io.rowflow.connector.sql;

import io.rowflow.common.schema.ConfigSchema;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

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
    String url(String address, int port, String database, boolean tls, int timeoutSeconds) {
        return "jdbc:mariadb://" + address + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + "?sslMode=" + (tls ? "verify-ca" : "disable") + "&connectTimeout=20000&socketTimeout="
                + (timeoutSeconds + 30) * 1000L + "&allowLocalInfile=false&allowMultiQueries=false";
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
