package io.rowflow.connector.sql;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.IncrementalSync;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.http.BlockedAddressException;
import io.rowflow.http.Origin;
import io.rowflow.pipeline.ColumnsAnnouncement;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A SQL database as a source: one query (or a whole table) read in a read-only transaction under a time limit,
 * streamed row by row (a fetch size, never the whole result in memory), with exact types: decimals as decimals,
 * integers as integers, a timestamp with a time zone as its UTC instant. The host goes through the same network guard
 * as every HTTP request, and the driver connects to the address that was checked. Read incrementally, only the rows
 * whose cursor column (a timestamp or a date, read as UTC) is past the newest one the last committed read reached, less
 * the lookback window, are asked for; a key column, when given, keeps a row read again inside the window from being
 * delivered twice.
 */
abstract class SqlDatabaseSource implements SourceConnector {
    /** The first word a read may start with; anything else is refused before it reaches the server. */
    private static final Pattern READ = Pattern.compile("(?is)^\\s*(select|with|table|values)\\b.*");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");
    private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+|[0-9A-Fa-f:.]+");
    private static final int FETCH_SIZE = 1000;
    private static final java.time.format.DateTimeFormatter LITERAL = java.time.format.DateTimeFormatter.ofPattern(
            "yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(java.time.ZoneOffset.UTC);

    private final ConfigSchema schema;

    SqlDatabaseSource(ConfigSchema schema) {
        this.schema = schema;
    }

    abstract String id();

    abstract String name();

    /**
     * The driver's URL, without credentials: to {@code host} (the name as given, for the URL) or to {@code checked}
     * (the address the network guard checked, an IP literal ready for the URL); either way the driver must reach only
     * the checked address.
     */
    abstract String url(String host, String checked, int port, String database, int timeoutSeconds);

    /** The driver's properties for reaching only the checked address (an IP literal) with the encryption asked for. */
    abstract void connectionProperties(Tls tls, String checked, Properties properties);

    /** What the older "Require TLS" switch meant for this database, for a connection stored without an SSL mode. */
    abstract String legacySslMode(boolean tls);

    /**
     * How the connection is encrypted: an SSL mode as libpq names them (disable, prefer, require, verify-ca,
     * verify-full) and, for the verifying ones, the CA certificate to trust (PEM, or null for Java's trusted ones).
     */
    record Tls(String mode, String caCertificate) {
        boolean verifies() {
            return mode.startsWith("verify-");
        }

        /**
         * The CA certificate re-wrapped as PEM: a form's one-line field loses the line breaks the drivers' parsers
         * need, so the base64 between the markers is taken whatever its spacing.
         */
        String caPem() {
            if (caCertificate == null || caCertificate.isBlank()) {
                return null;
            }
            String body = caCertificate.replace("-----BEGIN CERTIFICATE-----", "")
                    .replace("-----END CERTIFICATE-----", "").replaceAll("\\s", "");
            StringBuilder pem = new StringBuilder("-----BEGIN CERTIFICATE-----\n");
            for (int i = 0; i < body.length(); i += 64) {
                pem.append(body, i, Math.min(body.length(), i + 64)).append('\n');
            }
            return pem.append("-----END CERTIFICATE-----\n").toString();
        }
    }

    /** The SSL mode of the settings; a connection stored before the mode existed keeps its "Require TLS" meaning. */
    private Tls tls(JsonNode stored, JsonNode withDefaults) {
        String mode = stored.hasNonNull("sslMode") || !stored.hasNonNull("tls")
                ? withDefaults.path("sslMode").asText() : legacySslMode(stored.get("tls").asBoolean());
        String ca = withDefaults.path("sslRootCertificate").asText("");
        return new Tls(mode, ca.isBlank() ? null : ca);
    }

    /** The host as the URL writes it: a name or an IPv4 address as is, an IPv6 address in brackets. */
    private static String urlHost(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!HOST.matcher(bare).matches()) {
            throw new DataException("\"" + host + "\" is not a host name or address: letters, digits, '.', '-' (or an"
                    + " IPv6 address)");
        }
        return bare.contains(":") ? "[" + bare + "]" : bare;
    }

    /**
     * Opens the read-only transaction, with the server's own time limit where it has one, and the session's time zone
     * UTC (timestamps are compared and read as UTC).
     */
    abstract void beginReadOnly(Connection connection, int timeoutSeconds) throws SQLException;

    /** A table's name quoted for this database. */
    abstract String quote(String identifier);

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(id(), name(), "database", "password", schema.document(), List.of("rows"));
    }

    @Override
    public ConfigSchema schema() {
        return schema;
    }

    @Override
    public TextInference textInference() {
        // Columns come typed by the database; text stays text (a zip code is not a number).
        return TextInference.TEMPORAL_ONLY;
    }

    /** Any query or table reads incrementally, given a cursor column (the flow's {@code cursorColumn}). */
    @Override
    public boolean incremental(String stream) {
        return true;
    }

    @Override
    public Optional<Origin> origin(JsonNode config) {
        JsonNode c = schema.withDefaults(config);
        String host = c.path("host").asText("").strip().toLowerCase(Locale.ROOT);
        return host.isEmpty() ? Optional.empty() : Optional.of(new Origin(id(), host, c.path("port").asInt()));
    }

    @Override
    public void read(SourceContext context, RecordSink sink) {
        JsonNode c = schema.withDefaults(context.config());
        IncrementalSync sync = context.sync();
        Cursor cursor = sync == null ? null : cursor(c, sync);
        String sql = cursor == null ? statement(c) : cursor.statement(statement(c));
        int timeout = c.path("timeoutSeconds").asInt(300);
        String host = c.path("host").asText().strip();
        String urlHost = urlHost(host);
        InetAddress address;
        try {
            address = context.http().resolveChecked(host.startsWith("[") ? urlHost.substring(1, urlHost.length() - 1)
                    : host);
        } catch (BlockedAddressException e) {
            throw new DataException(name() + " at " + host + " cannot be reached from Rowflow: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw new DataException(name() + " at " + host + " was not found (no such host)");
        }
        Properties properties = new Properties();
        properties.setProperty("user", c.path("user").asText());
        if (c.hasNonNull("password")) {
            properties.setProperty("password", c.get("password").asText());
        }
        String checked = address.getHostAddress().replaceFirst("%.*", "");
        Tls tls = tls(context.config(), c);
        connectionProperties(tls, checked, properties);
        try (Connection connection = DriverManager.getConnection(url(urlHost, checked.contains(":") ? "[" + checked + "]"
                : checked, c.path("port").asInt(), c.path("database").asText(), timeout), properties)) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            beginReadOnly(connection, timeout);
            try (Statement statement = connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                statement.setFetchSize(FETCH_SIZE);
                statement.setQueryTimeout(timeout);
                try (ResultSet rows = statement.executeQuery(sql)) {
                    emit(rows, cursor == null ? sink : cursor.admitting(sink));
                }
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            if (credentialsRefused(e)) {
                // Counted as a 401, as an API's refused key is: the connection is marked as needing a new password.
                throw new UpstreamException(name() + " refused the user name or password of \"" + c.path("user")
                        .asText() + "\": the password may have been changed on the server, or mistyped. Enter the"
                        + " current password (and user) in the connection's settings and save them", e.getMessage(), e,
                        false, 401);
            }
            throw new DataException(name() + " refused the read: " + e.getMessage() + encryptionHint(tls, e));
        }
    }

    /**
     * Whether the server refused the credentials: SQLSTATE class 28, "invalid authorization specification" (PostgreSQL's
     * 28P01 for a wrong password and 28000 for an unknown role; MariaDB's 28000 with error 1045, "Access denied").
     */
    static boolean credentialsRefused(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
                return true;
            }
        }
        return false;
    }

    /** What to change when the failure is the encryption asked for: the driver's words alone do not say. */
    private static String encryptionHint(Tls tls, SQLException e) {
        String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT)
                + String.valueOf(e.getCause() == null ? "" : e.getCause().getMessage()).toLowerCase(Locale.ROOT);
        if (!tls.mode().equals("disable") && !tls.mode().equals("prefer")
                && (text.contains("ssl") || text.contains("tls") || text.contains("certificate"))) {
            return ". The connection asks for SSL mode " + tls.mode() + (tls.verifies()
                    ? ": the server must offer TLS with a certificate signed by the CA given (or a trusted one)"
                    + (tls.mode().equals("verify-full") ? " and naming this host" : "")
                    : ": the server must offer TLS") + "; change the SSL mode in the connection's settings only if the"
                    + " network to the server is trusted";
        }
        return "";
    }

    /** The query to run: the settings' query (one read statement), else every row of the table named. */
    String statement(JsonNode c) {
        String query = c.path("query").asText("").strip();
        String table = c.path("table").asText("").strip();
        if (!query.isEmpty()) {
            String single = query.endsWith(";") ? query.substring(0, query.length() - 1).strip() : query;
            if (!READ.matcher(single).matches() || single.contains(";")) {
                throw new DataException("The query must be one read: a SELECT (or WITH … SELECT), without ';' between"
                        + " statements; Rowflow never writes to a source");
            }
            return single;
        }
        if (table.isEmpty()) {
            throw new DataException("Give the query to run, or the table to read, in the source's settings");
        }
        if (!QUALIFIED_NAME.matcher(table).matches()) {
            throw new DataException("\"" + table + "\" is not a table name: schema.table or table, letters, digits, _");
        }
        List<String> parts = List.of(table.split("\\."));
        return "SELECT * FROM " + String.join(".", parts.stream().map(this::quote).toList());
    }

    /** An incremental read's cursor: its column, the row key's column (or null), and where the read starts. */
    private record Cursor(String column, String key, Instant since, IncrementalSync sync, String quoted) {
        /** The read, narrowed to rows past the start (all of them on a first read), oldest change first. */
        String statement(String read) {
            return "SELECT * FROM (" + read + ") rowflow_read" + (since == null ? "" : " WHERE " + quoted + " > '"
                    + LITERAL.format(since) + "'") + " ORDER BY " + quoted;
        }

        /** Passes on the rows whose change the sync has not delivered before, learning the newest. */
        RecordSink admitting(RecordSink sink) {
            return record -> {
                if (record instanceof ColumnsAnnouncement announced) {
                    for (String needed : key == null ? List.of(column) : List.of(column, key)) {
                        if (!announced.containsKey(needed)) {
                            throw new DataException("The read has no column \"" + needed + "\" to read changes by;"
                                    + " it has " + String.join(", ", announced.keySet()));
                        }
                    }
                    sink.accept(record);
                    return;
                }
                Object key = this.key == null ? null : record.get(this.key);
                if (sync.admit(key == null ? null : key.toString(), changedAt(record.get(column)))) {
                    sink.accept(record);
                }
            };
        }

        private Instant changedAt(Object value) {
            if (value == null) {
                return null;
            }
            String text = value.toString();
            try {
                return text.endsWith("Z") ? Instant.parse(text) : text.length() == 10
                        ? LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()
                        : LocalDateTime.parse(text).toInstant(java.time.ZoneOffset.UTC);
            } catch (java.time.format.DateTimeParseException notATime) {
                throw new DataException("The cursor column \"" + column + "\" holds \"" + text + "\": changes are read"
                        + " by a timestamp or date column");
            }
        }
    }

    private Cursor cursor(JsonNode c, IncrementalSync sync) {
        String column = c.path("cursorColumn").asText("").strip();
        String key = c.path("keyColumn").asText("").strip();
        if (column.isEmpty()) {
            throw new DataException("Reading only what changed needs the cursor column: a timestamp (or date) column the"
                    + " database updates on every change, such as updated_at");
        }
        for (String name : key.isEmpty() ? List.of(column) : List.of(column, key)) {
            if (!COLUMN_NAME.matcher(name).matches()) {
                throw new DataException("\"" + name + "\" is not a column name: letters, digits, _");
            }
        }
        Instant since = sync.start(java.time.Duration.ofSeconds(c.path("lookbackSeconds").asLong(0))).orElse(null);
        return new Cursor(column, key.isEmpty() ? null : key, since, sync, quote(column));
    }

    private static void emit(ResultSet rows, RecordSink sink) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            names.add(meta.getColumnLabel(i));
        }
        sink.accept(ColumnsAnnouncement.of(names));
        while (rows.next()) {
            Map<String, Object> record = new LinkedHashMap<>();
            for (int i = 1; i <= names.size(); i++) {
                record.put(names.get(i - 1), value(rows, i, meta.getColumnType(i), meta.getColumnTypeName(i)));
            }
            sink.accept(record);
        }
    }

    /** A cell as a record value, exactly: see the class comment. */
    static Object value(ResultSet rows, int i, int type, String typeName) throws SQLException {
        Object value = switch (type) {
            case Types.NUMERIC, Types.DECIMAL -> rows.getBigDecimal(i);
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER -> rows.getLong(i);
            case Types.BIGINT -> {
                BigDecimal big = rows.getBigDecimal(i); // an unsigned BIGINT may pass a long's range
                java.math.BigInteger whole = big == null ? null : big.toBigIntegerExact();
                yield whole == null ? null : whole.bitLength() < 64 ? (Object) whole.longValueExact() : whole;
            }
            case Types.BOOLEAN, Types.BIT -> rows.getBoolean(i);
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                double d = rows.getDouble(i);
                yield rows.wasNull() || Double.isNaN(d) || Double.isInfinite(d) ? null : BigDecimal.valueOf(d);
            }
            case Types.DATE -> rows.getObject(i, LocalDate.class);
            case Types.TIMESTAMP_WITH_TIMEZONE -> rows.getObject(i, OffsetDateTime.class);
            case Types.TIMESTAMP -> typeName.equalsIgnoreCase("timestamptz") ? rows.getObject(i, OffsetDateTime.class)
                    : rows.getObject(i, LocalDateTime.class);
            default -> rows.getString(i);
        };
        if (rows.wasNull()) {
            return null;
        }
        if (value instanceof OffsetDateTime instant) {
            return instant.toInstant().toString();
        }
        return value instanceof LocalDate || value instanceof LocalDateTime ? value.toString() : value;
    }
}
