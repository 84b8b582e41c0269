package io.rowflow.writer.bigquery;

import static io.rowflow.pipeline.StagedTable.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.bigquery.Bigquery;
import com.google.api.services.bigquery.model.Dataset;
import com.google.api.services.bigquery.model.DatasetList;
import com.google.api.services.bigquery.model.DatasetReference;
import com.google.api.services.bigquery.model.Job;
import com.google.api.services.bigquery.model.JobConfiguration;
import com.google.api.services.bigquery.model.JobConfigurationLoad;
import com.google.api.services.bigquery.model.JobConfigurationQuery;
import com.google.api.services.bigquery.model.ProjectList;
import com.google.api.services.bigquery.model.Table;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableList;
import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableSchema;
import io.rowflow.common.digest.Digests;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.FieldError;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectionAccess;
import io.rowflow.google.GoogleApis;
import io.rowflow.google.GoogleSheetsSource;
import io.rowflow.pipeline.StagedTable;
import io.rowflow.writer.DestinationLink;
import io.rowflow.writer.DestinationWriter;
import io.rowflow.writer.PickerOption;
import io.rowflow.writer.PickerRequest;
import io.rowflow.writer.RowKeys;
import io.rowflow.writer.WriteContext;
import io.rowflow.writer.WriteResult;
import io.rowflow.writer.WriterDescriptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Keeps a BigQuery table fresh with load jobs, never streaming inserts (loading is free and atomic; streamed rows cost
 * and linger in a buffer). DuckDB writes the rows to a Parquet file with BigQuery's exact types, uploaded in a
 * resumable upload. <b>replace</b> is one WRITE_TRUNCATE load: readers see the old table or the new one. <b>append</b>
 * is one WRITE_APPEND load. <b>upsert</b> loads the rows into a staging table beside the target, then one MERGE updates
 * matching keys, inserts new ones and deletes the keys the source reported deleted, then the staging table is dropped
 * (it also expires by itself after a day). The jobs that change the target carry ids made from the run's id, so a
 * retried run never loads its rows twice. Columns are checked against the table before anything is sent (see
 * {@link BigQueryColumns}); a new column is added to the table by the same job that brings its values.
 */
@ApplicationScoped
public class BigQueryWriter implements DestinationWriter {
    public static final String ID = "bigquery";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/bigquery-destination.json");
    /** The staging table's flag for a row the source reported deleted. */
    static final String DELETED = "_rowflow_deleted";
    private static final long STAGING_LIFETIME_MILLIS = 24 * 3600_000L;

    private final GoogleApis google;
    private final BigQueryConfig config;

    public BigQueryWriter(GoogleApis google, BigQueryConfig config) {
        this.google = google;
        this.config = config;
    }

    @Override
    public WriterDescriptor descriptor() {
        return new WriterDescriptor(ID, "BigQuery", "warehouses", "connection", SCHEMA.document())
                .withConnectionType(GoogleSheetsSource.ID)
                .withPickers(List.of(WriterDescriptor.Picker.of(ID, "project", "Project", List.of(), false),
                        WriterDescriptor.Picker.of(ID, "dataset", "Dataset", List.of("project"), true),
                        WriterDescriptor.Picker.of(ID, "table", "Table", List.of("project", "dataset"), false)));
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public List<FieldError> check(JsonNode settings, String field) {
        return RowKeys.checkUpsert(settings, field);
    }

    /** The table in BigQuery's console. */
    @Override
    public Optional<DestinationLink> link(DestinationLink.Request request) {
        JsonNode s = request.settings();
        if (s == null || !s.hasNonNull("project") || !s.hasNonNull("dataset") || !s.hasNonNull("table")) {
            return Optional.empty();
        }
        return Optional.of(new DestinationLink("https://console.cloud.google.com/bigquery?p=" + encode(s.get("project")
                .asText()) + "&d=" + encode(s.get("dataset").asText()) + "&t=" + encode(s.get("table").asText())
                + "&page=table", "Open in BigQuery"));
    }

    /** The account's projects, a project's datasets (with their locations), or a dataset's tables. */
    @Override
    public List<PickerOption> options(String setting, PickerRequest request) {
        Bigquery bigquery = session(request.connection()).bigquery();
        try {
            switch (setting) {
                case "project" -> {
                    ProjectList list = bigquery.projects().list().setMaxResults(1000L).execute();
                    return list.getProjects() == null ? List.of() : list.getProjects().stream().map(p -> new PickerOption(
                            p.getProjectReference().getProjectId(), p.getFriendlyName() == null ? p.getProjectReference()
                                    .getProjectId() : p.getFriendlyName())).toList();
                }
                case "dataset" -> {
                    DatasetList list = bigquery.datasets().list(request.require("project")).setMaxResults(1000L)
                            .execute();
                    return list.getDatasets() == null ? List.of() : list.getDatasets().stream().map(d -> new PickerOption(
                            d.getDatasetReference().getDatasetId(), d.getDatasetReference().getDatasetId()
                                    + (d.getLocation() == null ? "" : " (" + d.getLocation() + ")"))).toList();
                }
                case "table" -> {
                    TableList list = bigquery.tables().list(request.require("project"), request.require("dataset"))
                            .setMaxResults(1000L).execute();
                    return list.getTables() == null ? List.of() : list.getTables().stream().map(t -> new PickerOption(
                            t.getTableReference().getTableId(), t.getTableReference().getTableId())).toList();
                }
                default -> {
                    return DestinationWriter.super.options(setting, request);
                }
            }
        } catch (IOException e) {
            throw BigQueryErrors.translate(e, "listing the " + setting + "s", request.values().get("project"));
        }
    }

    /** A new dataset in the project, in the location asked (US when none). */
    @Override
    public PickerOption create(String setting, PickerRequest request, String title) {
        if (!setting.equals("dataset")) {
            return DestinationWriter.super.create(setting, request, title);
        }
        String project = request.require("project");
        String id = title.strip();
        if (!id.matches("[A-Za-z0-9_]{1,1024}")) {
            throw io.rowflow.common.error.InvalidInputException.field("title", "a dataset's name has letters, digits and"
                    + " underscores only, such as sales_data");
        }
        String location = Optional.ofNullable(request.values().get("location")).filter(l -> !l.isBlank()).orElse("US");
        try {
            Dataset made = session(request.connection()).bigquery().datasets().insert(project, new Dataset()
                    .setDatasetReference(new DatasetReference().setProjectId(project).setDatasetId(id))
                    .setLocation(location)).execute();
            return new PickerOption(made.getDatasetReference().getDatasetId(), made.getDatasetReference().getDatasetId()
                    + " (" + made.getLocation() + ")");
        } catch (IOException e) {
            throw BigQueryErrors.translate(e, "creating the dataset " + id, project);
        }
    }

    private GoogleApis.BigQuerySession session(ConnectionAccess access) {
        return google.bigquery(access.connectionId(), access.settings(), access.tokens(), config.rootUrl());
    }

    @Override
    public WriteResult write(WriteContext context, StagedTable table) throws Exception {
        if (context.connection() == null) {
            throw new DataException("No Google connection chosen for BigQuery");
        }
        JsonNode settings = SCHEMA.withDefaults(context.settings());
        GoogleApis.BigQuerySession session = session(context.connection());
        String project = settings.get("project").asText();
        Write write = new Write(session.bigquery(), project, settings.get("dataset").asText(), settings.get("table")
                .asText(), context);
        try {
            long rows = write.run(table, settings.path("mode").asText("replace"), RowKeys.columns(settings));
            return new WriteResult(rows, "bigquery://" + project + "." + write.dataset + "." + write.table,
                    write.earlier, session.calls().get());
        } catch (IOException e) {
            throw BigQueryErrors.translate(e, write.jobs.doing, project);
        } finally {
            Files.deleteIfExists(write.file);
        }
    }

    /** One write into one table. */
    private final class Write {
        final Bigquery bigquery;
        final String project;
        final String dataset;
        final String table;
        final WriteContext context;
        final BigQueryJobs jobs;
        final Path file;
        /** Whether an earlier attempt of this run had already changed the table. */
        boolean earlier;

        Write(Bigquery bigquery, String project, String dataset, String table, WriteContext context) {
            this.bigquery = bigquery;
            this.project = project;
            this.dataset = dataset;
            this.table = table;
            this.context = context;
            this.jobs = new BigQueryJobs(bigquery, project, config, context.cancelled());
            this.file = context.folder().resolve("bigquery-load-" + UUID.randomUUID() + ".parquet");
        }

        String name() {
            return project + "." + dataset + "." + table;
        }

        long run(StagedTable rows, String mode, List<String> keys) throws IOException, SQLException {
            jobs.doing = "reading the dataset " + project + "." + dataset;
            Dataset found = jobs.call(() -> bigquery.datasets().get(project, dataset).execute());
            String location = found.getLocation();
            jobs.doing = "reading the table " + name();
            Table existing = table(dataset, table);
            List<BigQueryColumns.Field> fields = BigQueryColumns.of(rows.columns(), duckDbTypes(rows));
            List<TableFieldSchema> before = existing == null || existing.getSchema() == null ? List.of()
                    : existing.getSchema().getFields();
            List<BigQueryColumns.Field> load = existing == null ? fields : BigQueryColumns.against(fields, before,
                    name());
            if (mode.equals("upsert") && existing != null) {
                return upsert(rows, keys, fields, load, before, location);
            }
            // A first upsert has nothing to match: its rows, one per key, are the table.
            String select = mode.equals("upsert") ? deduplicated(rows, keys, fields, false) : select(load, rows);
            long count = export(select);
            JobConfigurationLoad configuration = loadInto(dataset, table, load).setWriteDisposition(
                    mode.equals("append") ? "WRITE_APPEND" : "WRITE_TRUNCATE");
            if (mode.equals("append") && !BigQueryColumns.added(load, before).isEmpty()) {
                configuration.setSchemaUpdateOptions(List.of("ALLOW_FIELD_ADDITION"));
            }
            jobs.doing = "loading the rows into " + name();
            BigQueryJobs.Done done = jobs.once(jobId("load"), location, new JobConfiguration().setLoad(configuration),
                    file, context.fence());
            earlier = done.earlier();
            return outputRows(done.job(), count);
        }

        /**
         * Loads the rows (one per key, the last; with the keys reported deleted) into a staging table, adds the flow's
         * new columns to the target, and MERGEs: matched keys updated or deleted, new keys inserted.
         */
        private long upsert(StagedTable rows, List<String> keys, List<BigQueryColumns.Field> fields,
                List<BigQueryColumns.Field> load, List<TableFieldSchema> before, String location)
                throws IOException, SQLException {
            List<BigQueryColumns.Field> keyFields = keyFields(fields, keys);
            String staging = table + "_rowflow_" + Digests.sha256(context.writeId() + "|" + UUID.randomUUID())
                    .substring(0, 12);
            long count = export(deduplicated(rows, keys, fields, true));
            try {
                jobs.doing = "creating the staging table " + dataset + "." + staging;
                List<TableFieldSchema> stagingFields = new ArrayList<>(fields.stream().map(BigQueryColumns.Field::schema)
                        .toList());
                stagingFields.add(new TableFieldSchema().setName(DELETED).setType("BOOL").setMode("NULLABLE"));
                jobs.call(() -> bigquery.tables().insert(project, dataset, new Table().setTableReference(
                        new TableReference().setProjectId(project).setDatasetId(dataset).setTableId(staging))
                        .setSchema(new TableSchema().setFields(stagingFields)).setExpirationTime(
                                System.currentTimeMillis() + STAGING_LIFETIME_MILLIS)).execute());
                jobs.doing = "loading the rows into the staging table " + dataset + "." + staging;
                jobs.run("rowflow_" + UUID.randomUUID().toString().replace("-", ""), location, new JobConfiguration()
                        .setLoad(loadInto(dataset, staging, null).setSchema(new TableSchema().setFields(stagingFields))
                                .setWriteDisposition("WRITE_TRUNCATE").setCreateDisposition("CREATE_NEVER")), file);
                List<BigQueryColumns.Field> added = BigQueryColumns.added(load, before);
                if (!added.isEmpty()) {
                    // A MERGE cannot add columns: the new ones are added first, empty, as nullable columns.
                    jobs.doing = "adding the flow's new columns to " + name();
                    List<TableFieldSchema> widened = new ArrayList<>(before);
                    added.forEach(f -> widened.add(f.schema()));
                    jobs.call(() -> bigquery.tables().patch(project, dataset, table, new Table().setSchema(
                            new TableSchema().setFields(widened))).execute());
                }
                jobs.doing = "merging the rows into " + name();
                BigQueryJobs.Done done = jobs.once(jobId("merge"), location, new JobConfiguration().setQuery(
                        new JobConfigurationQuery().setQuery(merge(staging, fields, keyFields)).setUseLegacySql(false)),
                        null, context.fence());
                earlier = done.earlier();
                return count;
            } finally {
                try {
                    bigquery.tables().delete(project, dataset, staging).execute();
                } catch (IOException gone) {
                    // Already gone, or never made; it expires by itself after a day anyway.
                }
            }
        }

        private String merge(String staging, List<BigQueryColumns.Field> fields, List<BigQueryColumns.Field> keys) {
            String on = keys.stream().map(k -> "target." + tick(k.name()) + " = source." + tick(k.name()))
                    .collect(Collectors.joining(" AND "));
            List<String> names = fields.stream().map(f -> tick(f.name())).toList();
            String update = fields.stream().filter(f -> !keys.contains(f)).map(f -> tick(f.name()) + " = source."
                    + tick(f.name())).collect(Collectors.joining(", "));
            return "MERGE " + tick(name()) + " AS target USING " + tick(project + "." + dataset + "." + staging)
                    + " AS source ON " + on
                    + " WHEN MATCHED AND source." + DELETED + " THEN DELETE"
                    + (update.isEmpty() ? "" : " WHEN MATCHED THEN UPDATE SET " + update)
                    + " WHEN NOT MATCHED AND NOT source." + DELETED + " THEN INSERT (" + String.join(", ", names)
                    + ") VALUES (" + names.stream().map(n -> "source." + n).collect(Collectors.joining(", ")) + ")";
        }

        /**
         * The rows, one per key (the last one given), as the fields; with {@code deletions}, the keys the source
         * reported deleted too, flagged, unless the rows hold them again.
         */
        private String deduplicated(StagedTable rows, List<String> keys, List<BigQueryColumns.Field> fields,
                boolean deletions) {
            List<BigQueryColumns.Field> keyFields = keyFields(fields, keys);
            String columns = fields.stream().map(f -> f.expression() + " AS " + quote(f.name()))
                    .collect(Collectors.joining(", "));
            String partition = keyFields.stream().map(k -> quote(k.name())).collect(Collectors.joining(", "));
            String union = "SELECT " + columns + ", false AS " + DELETED + ", row_number() OVER () AS _rowflow_at FROM "
                    + quote(rows.sqlName());
            StagedTable deleted = context.deleted();
            if (deletions && deleted != null) {
                union += " UNION ALL SELECT " + columns + ", true, 0 FROM " + quote(deleted.sqlName());
            }
            return "SELECT * EXCLUDE (_rowflow_at" + (deletions ? "" : ", " + DELETED) + ") FROM (" + union
                    + ") QUALIFY row_number() OVER (PARTITION BY " + partition + " ORDER BY " + DELETED
                    + ", _rowflow_at DESC) = 1";
        }

        private List<BigQueryColumns.Field> keyFields(List<BigQueryColumns.Field> fields, List<String> keys) {
            List<String> names = fields.stream().map(f -> f.column().name()).toList();
            int[] at = RowKeys.positions(keys, names, "the flow's columns");
            List<BigQueryColumns.Field> out = new ArrayList<>();
            for (int i : at) {
                out.add(fields.get(i));
            }
            return out;
        }

        /** The rows as the load's fields, a field the flow lacks left empty. */
        private String select(List<BigQueryColumns.Field> load, StagedTable rows) {
            return "SELECT " + load.stream().map(f -> (f.expression() == null ? "CAST(NULL AS " + BigQueryColumns.parquetType(f.type()) + ")" : f.expression()) + " AS "
                    + quote(f.name())).collect(Collectors.joining(", ")) + " FROM " + quote(rows.sqlName());
        }

        /** Writes the query's rows to the Parquet file the load reads; answers how many. */
        private long export(String select) throws SQLException {
            jobs.doing = "writing the rows for BigQuery";
            try (Statement statement = context.staging().createStatement()) {
                statement.execute("COPY (" + select + ") TO '" + file.toString().replace("'", "''")
                        + "' (FORMAT PARQUET, COMPRESSION ZSTD)");
                try (ResultSet count = statement.executeQuery("SELECT count(*) FROM read_parquet('" + file.toString()
                        .replace("'", "''") + "')")) {
                    count.next();
                    return count.getLong(1);
                }
            }
        }

        private JobConfigurationLoad loadInto(String intoDataset, String intoTable, List<BigQueryColumns.Field> load) {
            JobConfigurationLoad configuration = new JobConfigurationLoad().setSourceFormat("PARQUET")
                    .setDestinationTable(new TableReference().setProjectId(project).setDatasetId(intoDataset)
                            .setTableId(intoTable)).setCreateDisposition("CREATE_IF_NEEDED")
                    .setDecimalTargetTypes(List.of("NUMERIC", "BIGNUMERIC"));
            if (load != null) {
                configuration.setSchema(new TableSchema().setFields(load.stream().map(BigQueryColumns.Field::schema)
                        .toList()));
            }
            return configuration;
        }

        private Table table(String inDataset, String name) throws IOException {
            try {
                return jobs.call(() -> bigquery.tables().get(project, inDataset, name).execute());
            } catch (GoogleJsonResponseException e) {
                if (e.getStatusCode() == 404) {
                    return null;
                }
                throw e;
            }
        }

        /** The id of the job that changes the target, the same for every attempt of this run. */
        private String jobId(String step) {
            String write = context.writeId() == null ? UUID.randomUUID().toString() : context.writeId();
            return "rowflow_" + step + "_" + Digests.sha256(write + "|" + name()).substring(0, 40);
        }

        private Map<String, String> duckDbTypes(StagedTable rows) throws SQLException {
            Map<String, String> types = new HashMap<>();
            try (Statement statement = context.staging().createStatement();
                    ResultSet described = statement.executeQuery("DESCRIBE " + rows.selectAll())) {
                while (described.next()) {
                    types.put(described.getString("column_name"), described.getString("column_type"));
                }
            }
            return types;
        }
    }

    /** What the load job says it wrote; the file's count when BigQuery does not say. */
    private static long outputRows(Job job, long count) {
        if (job.getStatistics() != null && job.getStatistics().getLoad() != null
                && job.getStatistics().getLoad().getOutputRows() != null) {
            return job.getStatistics().getLoad().getOutputRows();
        }
        return count;
    }

    /** A name in GoogleSQL's backquotes. */
    static String tick(String name) {
        return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
