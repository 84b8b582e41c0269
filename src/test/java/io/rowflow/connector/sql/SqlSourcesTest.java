package io.rowflow.connector.sql;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.testing.Api;
import io.rowflow.testing.FakePostgresPasswordCheck;
import io.rowflow.testing.StreamReads;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL and MariaDB as sources, read from the real servers on this machine: exact decimals and 19-digit ids, a
 * timestamp with a time zone as its UTC instant, text that looks like a number kept as text; a write in the query is
 * refused before or by the read-only transaction, and the table is left as it was.
 */
@QuarkusTest
class SqlSourcesTest {
    record Server(String connector, String jdbc, String user, Map<String, Object> settings, String createTable) {
    }

    static Server server(String connector) {
        return connector.equals("postgresql")
                ? new Server("postgresql", "jdbc:postgresql://127.0.0.1:5432/test", "postgres",
                        Map.of("host", "127.0.0.1", "port", 5432, "database", "test", "user", "postgres"),
                        "CREATE TABLE rf_sql_source (id BIGINT PRIMARY KEY, amount NUMERIC(20,4), zip VARCHAR(10),"
                                + " paid BOOLEAN, due DATE, seen TIMESTAMPTZ, note TEXT)")
                : new Server("mysql", "jdbc:mariadb://127.0.0.1:3306/test", "root",
                        Map.of("host", "127.0.0.1", "port", 3306, "database", "test", "user", "root"),
                        "CREATE TABLE rf_sql_source (id BIGINT PRIMARY KEY, amount DECIMAL(20,4), zip VARCHAR(10),"
                                + " paid BOOLEAN, due DATE, seen TIMESTAMP NULL, note TEXT)");
    }

    static void prepare(Server server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbc(), server.user(), "");
                Statement s = c.createStatement()) {
            if (server.connector().equals("mysql")) {
                s.execute("SET time_zone = '+00:00'");
            }
            s.execute("DROP TABLE IF EXISTS rf_sql_source");
            s.execute(server.createTable());
            s.execute("INSERT INTO rf_sql_source VALUES (9223372036854775807, 0.1000, '01234', TRUE, '2026-02-28',"
                    + (server.connector().equals("mysql") ? "'2026-03-29 01:30:00'" : "'2026-03-29 03:30:00+02'")
                    + ", 'Ærø')");
            s.execute("INSERT INTO rf_sql_source VALUES (2, 0.2000, '99999', FALSE, NULL, NULL, NULL)");
            s.execute("INSERT INTO rf_sql_source VALUES (3, 123456789012345.6789, '10', TRUE, '2024-02-29', NULL, 'x')");
        }
    }

    static long count(Server server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbc(), server.user(), "");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM rf_sql_source")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static JsonPath preview(String connection, Map<String, Object> parameters, int status) {
        return given().contentType(ContentType.JSON).body(Map.of("name", "sql", "sources", List.of(Map.of(
                "connectionId", connection, "parameters", parameters)), "destinations", List.of(Map.of("type", "excel"))))
                .post("/api/v1/flows/preview").then().statusCode(status).extract().jsonPath();
    }

    @ParameterizedTest
    @ValueSource(strings = { "postgresql", "mysql" })
    void aTableIsReadExactlyAndAWriteIsRefused(String connector) throws Exception {
        Server server = server(connector);
        prepare(server);
        String connection = Api.createConnection(connector, server.settings());
        JsonPath read = preview(connection, Map.of("query", "SELECT id, amount, zip, paid, due, seen, note FROM"
                + " rf_sql_source ORDER BY id"), 200);
        assertThat(read.getList("columns.name")).containsExactly("id", "amount", "zip", "paid", "due", "seen", "note");
        assertThat(read.getList("columns.type")).containsExactly("integer", "decimal", "string", "boolean", "date",
                "timestamp", "string");
        assertThat(read.getList("rows[0]")).isEqualTo(Arrays.asList(2, "0.2000", "99999", false, null, null, null));
        assertThat(read.getList("rows[1]")).isEqualTo(Arrays.asList(3, "123456789012345.6789", "10", true,
                "2024-02-29", null, "x"));
        assertThat(read.getList("rows[2]")).isEqualTo(Arrays.asList("9223372036854775807", "0.1000", "01234", true,
                "2026-02-28", "2026-03-29T01:30", "Ærø")); // the instant in UTC, as previews write timestamps
        // A whole table, by name.
        assertThat(preview(connection, Map.of("table", "rf_sql_source"), 200).getInt("totalRows")).isEqualTo(3);

        // Writes: refused by their first word, by a second statement, and, hidden in a CTE, by the read-only transaction.
        for (String write : List.of("DELETE FROM rf_sql_source", "SELECT 1; DELETE FROM rf_sql_source",
                connector.equals("postgresql") ? "WITH gone AS (DELETE FROM rf_sql_source RETURNING id) SELECT * FROM gone"
                        : "SELECT * FROM rf_sql_source FOR UPDATE")) {
            JsonPath refused = preview(connection, Map.of("query", write), 422);
            assertThat(refused.getString("detail")).as(write).containsAnyOf("one read", "read-only", "READ ONLY",
                    "read only");
        }
        assertThat(count(server)).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = { "postgresql", "mysql" })
    void aQueryThatNeverEndsIsStoppedAtItsTimeLimit(String connector) {
        Map<String, Object> settings = new java.util.HashMap<>(server(connector).settings());
        settings.put("timeoutSeconds", 1);
        String connection = Api.createConnection(connector, settings);
        long started = System.nanoTime();
        JsonPath refused = preview(connection, Map.of("query", connector.equals("postgresql") ? "SELECT pg_sleep(600)"
                : "SELECT SLEEP(600)"), 422);
        assertThat(refused.getString("detail")).contains("refused the read");
        // Stopped by the limit, not by the 600 s the query asks for (nor the preview's own minutes).
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(60));
    }

    /**
     * The servers here offer no TLS: every mode that needs it fails with the driver's reason and what to change, a
     * connection stored before the SSL mode existed keeps its "Require TLS" meaning, and the default mode reads.
     */
    @ParameterizedTest
    @ValueSource(strings = { "postgresql", "mysql" })
    void anEncryptionTheServerCannotGiveIsRefusedInPlainWords(String connector) throws Exception {
        Server server = server(connector);
        prepare(server);
        for (String mode : connector.equals("postgresql") ? List.of("require", "verify-ca", "verify-full")
                : List.of("require", "verify-ca")) {
            Map<String, Object> settings = new java.util.HashMap<>(server.settings());
            settings.put("sslMode", mode);
            String detail = preview(Api.createConnection(connector, settings), Map.of("table", "rf_sql_source"), 422)
                    .getString("detail");
            assertThat(detail).as(mode).contains("refused the read", "The connection asks for SSL mode " + mode,
                    "change the SSL mode in the connection's settings only if the network to the server is trusted");
        }
        Map<String, Object> legacy = new java.util.HashMap<>(server.settings());
        legacy.put("tls", true);
        assertThat(preview(Api.createConnection(connector, legacy), Map.of("table", "rf_sql_source"), 422)
                .getString("detail")).contains("The connection asks for SSL mode "
                        + (connector.equals("postgresql") ? "require" : "verify-ca"));
        legacy.put("tls", false);
        assertThat(preview(Api.createConnection(connector, legacy), Map.of("table", "rf_sql_source"), 200)
                .getInt("totalRows")).isEqualTo(3);
        Map<String, Object> disabled = new java.util.HashMap<>(server.settings());
        disabled.put("sslMode", "disable");
        assertThat(preview(Api.createConnection(connector, disabled), Map.of("table", "rf_sql_source"), 200)
                .getInt("totalRows")).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = { "postgresql", "mysql" })
    void aHostTheNetworkGuardRefusesIsNeverContacted(String connector) {
        Map<String, Object> settings = new java.util.HashMap<>(server(connector).settings());
        settings.put("host", "169.254.169.254");
        String connection = Api.createConnection(connector, settings);
        assertThat(preview(connection, Map.of("query", "SELECT 1"), 422).getString("detail"))
                .contains("cannot be reached from Rowflow");
        given().get("/api/v1/connectors").then().body("find { it.id == '" + connector + "' }.category",
                equalTo("database"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "postgresql", "mysql" })
    void aSecondReadGetsOnlyTheChangesAndTheUnionIsAFullRead(String connector) throws Exception {
        Server server = server(connector);
        try (Connection c = DriverManager.getConnection(server.jdbc(), server.user(), "");
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS rf_sql_changes");
            s.execute("CREATE TABLE rf_sql_changes (id BIGINT PRIMARY KEY, name VARCHAR(20), updated_at "
                    + (connector.equals("postgresql") ? "TIMESTAMP(6)" : "DATETIME(6)") + ")");
            for (int i = 1; i <= 5; i++) {
                s.execute("INSERT INTO rf_sql_changes VALUES (" + i + ", 'first " + i + "', '2026-01-01 00:00:0" + i
                        + ".250000')");
            }
        }
        Map<String, Object> settings = new java.util.HashMap<>(server.settings());
        settings.putAll(Map.of("table", "rf_sql_changes", "cursorColumn", "updated_at", "keyColumn", "id",
                "lookbackSeconds", 60));
        String connection = Api.createConnection(connector, settings);
        IncrementalSync first = new IncrementalSync(null);
        List<Map<String, Object>> firstRead = StreamReads.read(connection, "rows", first);
        assertThat(firstRead).extracting(r -> r.get("id")).containsExactly(1L, 2L, 3L, 4L, 5L);

        try (Connection c = DriverManager.getConnection(server.jdbc(), server.user(), "");
                Statement s = c.createStatement()) {
            s.execute("UPDATE rf_sql_changes SET name = 'second 2', updated_at = '2026-01-01 00:00:30' WHERE id = 2");
            s.execute("INSERT INTO rf_sql_changes VALUES (6, 'first 6', '2026-01-01 00:00:31.5')");
        }
        IncrementalSync second = new IncrementalSync(first.state());
        List<Map<String, Object>> changes = StreamReads.read(connection, "rows", second);
        // The lookback reads rows 1-5 again; the ones already delivered in that version are left out.
        assertThat(changes).extracting(r -> r.get("id")).containsExactly(2L, 6L);
        assertThat(changes.get(0)).containsEntry("name", "second 2").containsEntry("updated_at", "2026-01-01T00:00:30");
        assertThat(changes.get(1)).containsEntry("updated_at", "2026-01-01T00:00:31.500");

        Map<Object, Map<String, Object>> union = new java.util.TreeMap<>();
        firstRead.forEach(r -> union.put(r.get("id"), r));
        changes.forEach(r -> union.put(r.get("id"), r));
        assertThat(StreamReads.read(connection, "rows", null)).containsExactlyInAnyOrderElementsOf(union.values());
        assertThat(StreamReads.read(connection, "rows", new IncrementalSync(second.state()))).isEmpty();
    }

    /**
     * A password the server refuses is a credential failure, as an API's refused key is (counted as a 401): the check
     * says whose password to fix and where, the connection is marked "needs_attention", and a check that gets in
     * clears the mark. MariaDB refuses a wrong password itself (error 1045, SQLSTATE 28000); the local PostgreSQL
     * trusts 127.0.0.1 and checks no password, so a fake speaking its protocol refuses it as PostgreSQL does (28P01).
     */
    @ParameterizedTest
    @ValueSource(strings = { "postgresql", "mysql" })
    void aRefusedPasswordMarksTheConnectionAndSaysToFixThePassword(String connector) throws Exception {
        Server server = server(connector);
        String password = "pw-" + java.util.UUID.randomUUID(); // made for this run
        String wrong = "pw-" + java.util.UUID.randomUUID();
        String user = "rf_reader_" + java.util.UUID.randomUUID().toString().substring(0, 8); // apart from other runs
        Map<String, Object> settings = new java.util.HashMap<>(server.settings());
        settings.putAll(Map.of("user", user, "password", wrong, "query", "SELECT 1 AS one"));
        FakePostgresPasswordCheck refusing = null;
        if (connector.equals("postgresql")) {
            refusing = new FakePostgresPasswordCheck();
            settings.put("port", refusing.port());
        } else {
            try (Connection c = DriverManager.getConnection(server.jdbc(), server.user(), "");
                    Statement s = c.createStatement()) {
                s.execute("DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
                s.execute("CREATE USER '" + user + "'@'127.0.0.1' IDENTIFIED BY '" + password + "'");
                s.execute("GRANT SELECT ON test.* TO '" + user + "'@'127.0.0.1'");
            }
        }
        try {
            String connection = Api.createConnection(connector, settings);
            given().post("/api/v1/connections/" + connection + "/check").then().statusCode(200)
                    .body("ok", equalTo(false))
                    .body("message", equalTo((connector.equals("postgresql") ? "PostgreSQL" : "MySQL or MariaDB")
                            + " refused the user name or password of \"" + user + "\": the password may have been"
                            + " changed on the server, or mistyped. Enter the current password (and user) in the"
                            + " connection's settings and save them"));
            given().get("/api/v1/connections/" + connection).then().body("authStatus", equalTo("needs_attention"));
            if (refusing != null) {
                assertThat(refusing.passwords).as("what the server was sent").containsOnly(wrong).isNotEmpty();
            }

            // The current password (for PostgreSQL, the real server, which lets the user in): the mark is cleared.
            Map<String, Object> fixed = new java.util.HashMap<>(settings);
            fixed.put("password", password);
            if (refusing != null) {
                fixed.putAll(Map.of("port", 5432, "user", "postgres"));
            }
            Api.updateConnection(connection, connector, fixed);
            given().post("/api/v1/connections/" + connection + "/check").then().statusCode(200)
                    .body("ok", equalTo(true));
            given().get("/api/v1/connections/" + connection).then().body("authStatus", equalTo("ok"));
        } finally {
            if (refusing != null) {
                refusing.close();
            } else {
                try (Connection c = DriverManager.getConnection(server.jdbc(), server.user(), "");
                        Statement s = c.createStatement()) {
                    s.execute("DROP USER IF EXISTS '" + user + "'@'127.0.0.1'");
                }
            }
        }
    }
}
