package io.rowflow.writer.bigquery;

import static io.rowflow.pipeline.StagedTable.quote;

import com.google.api.services.bigquery.model.TableFieldSchema;
import io.rowflow.common.error.DataException;
import io.rowflow.pipeline.Column;
import io.rowflow.pipeline.ColumnType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The flow's columns as a BigQuery table's fields: each column's exact BigQuery type (decimals stay NUMERIC or
 * BIGNUMERIC, never FLOAT64), a valid and unique field name, and the DuckDB expression that writes it into the Parquet
 * file a load job reads. Against a table that exists, its fields are kept in their order and type: a new column is
 * added at the end, a column the flow no longer has is left empty in new rows, a whole number may go into a NUMERIC,
 * BIGNUMERIC or FLOAT64 field, and any other change of type is refused before anything is written.
 */
final class BigQueryColumns {
    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");
    /** Prefixes BigQuery keeps for its own pseudo-columns. */
    private static final List<String> RESERVED = List.of("_TABLE_", "_FILE_", "_PARTITION", "_ROW_TIMESTAMP",
            "__ROOT__", "_COLIDENTIFIER", "_CHANGE_");
    private static final int MAX_NAME = 300;

    /** One field of the load: its BigQuery name and type, and the DuckDB expression giving its values (null: none). */
    record Field(String name, String type, String mode, String expression, Column column) {
        TableFieldSchema schema() {
            return new TableFieldSchema().setName(name).setType(type).setMode(mode);
        }
    }

    private BigQueryColumns() {
    }

    /**
     * The fields of the flow's columns, in order: {@code duckDbTypes} are the staged columns' DuckDB types by SQL name.
     */
    static List<Field> of(List<Column> columns, Map<String, String> duckDbTypes) {
        List<Field> fields = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (Column column : columns) {
            String name = unique(validName(column.name()), taken);
            String duckType = duckDbTypes.getOrDefault(column.sqlName(), column.type().duckDbType());
            String[] typed = typeOf(column.type(), duckType);
            fields.add(new Field(name, typed[0], "NULLABLE", cast(quote(column.sqlName()), typed[0], typed[1]), column));
        }
        return fields;
    }

    /**
     * The fields to load into a table that has {@code existing} fields: the table's, in its order and types (the
     * flow's values cast to them where a whole number goes into a wider field), then the flow's new ones. Every
     * change BigQuery would refuse, or that would lose data, is named at once.
     */
    static List<Field> against(List<Field> flow, List<TableFieldSchema> existing, String table) {
        Map<String, Field> byName = new HashMap<>();
        flow.forEach(f -> byName.put(f.name().toLowerCase(Locale.ROOT), f));
        List<Field> out = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Set<String> matched = new HashSet<>();
        for (TableFieldSchema field : existing) {
            String key = field.getName().toLowerCase(Locale.ROOT);
            Field mine = byName.get(key);
            String mode = field.getMode() == null ? "NULLABLE" : field.getMode();
            String type = standard(field.getType());
            if (mine == null) {
                if (mode.equals("REQUIRED")) {
                    refused.add("“" + field.getName() + "” is REQUIRED in the table, and the flow has no such column");
                }
                out.add(new Field(field.getName(), type, mode, null, null));
                continue;
            }
            matched.add(key);
            if (mine.type().equals(type)) {
                out.add(new Field(field.getName(), type, mode, mine.expression(), mine.column()));
            } else if (widens(mine.type(), type)) {
                String parquet = type.equals("FLOAT64") ? "DOUBLE" : type.equals("BIGNUMERIC") && mine.type()
                        .equals("INT64") ? "DECIMAL(38,0)" : "DECIMAL(38,9)";
                out.add(new Field(field.getName(), type, mode, cast(quote(mine.column().sqlName()), type, parquet),
                        mine.column()));
            } else {
                refused.add("“" + field.getName() + "” is " + type + " in the table, and the flow now gives " + mine
                        .type());
            }
        }
        if (!refused.isEmpty()) {
            throw new DataException("The BigQuery table " + table + " cannot take the flow's columns as they are: "
                    + String.join("; ", refused) + ". Change the column's type in the transform, or write to a new"
                    + " table; nothing was written");
        }
        flow.stream().filter(f -> !matched.contains(f.name().toLowerCase(Locale.ROOT))).forEach(out::add);
        return out;
    }

    /** The fields {@code load} adds to {@code existing}: what a MERGE's target needs before it can take them. */
    static List<Field> added(List<Field> load, List<TableFieldSchema> existing) {
        Set<String> there = new HashSet<>();
        existing.forEach(f -> there.add(f.getName().toLowerCase(Locale.ROOT)));
        return load.stream().filter(f -> !there.contains(f.name().toLowerCase(Locale.ROOT))).toList();
    }

    /** Whether a whole number is kept exactly (or as closely as the table asks) in a field of {@code to}'s type. */
    private static boolean widens(String from, String to) {
        return from.equals("INT64") && (to.equals("NUMERIC") || to.equals("BIGNUMERIC") || to.equals("FLOAT64"))
                || from.equals("NUMERIC") && to.equals("BIGNUMERIC");
    }

    /** Legacy names BigQuery still answers with, as the standard ones. */
    private static String standard(String type) {
        return switch (type) {
            case "INTEGER" -> "INT64";
            case "FLOAT" -> "FLOAT64";
            case "BOOLEAN" -> "BOOL";
            default -> type;
        };
    }

    /**
     * {BigQuery type, DuckDB type of its Parquet column}. NUMERIC holds 29 digits before the point and 9 after, so a
     * decimal that fits is written as DECIMAL(38,9) (NUMERIC's own shape); a wider one keeps its digits as BIGNUMERIC.
     * Timestamps are UTC, as Rowflow stages them.
     */
    private static String[] typeOf(ColumnType type, String duckType) {
        String t = duckType.toUpperCase(Locale.ROOT).strip();
        if (type == ColumnType.JSON) {
            return new String[] { "JSON", "JSON" };
        }
        Matcher decimal = DECIMAL.matcher(t);
        if (decimal.matches()) {
            int precision = Integer.parseInt(decimal.group(1));
            int scale = Integer.parseInt(decimal.group(2));
            return scale <= 9 && precision - scale <= 29 ? new String[] { "NUMERIC", "DECIMAL(38,9)" }
                    : new String[] { "BIGNUMERIC", "DECIMAL(38," + scale + ")" };
        }
        return switch (t) {
            case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "UINTEGER", "USMALLINT", "UTINYINT" ->
                    new String[] { "INT64", "BIGINT" };
            // Beyond INT64: a 20-digit unsigned number, or a 128-bit one, kept whole as a decimal.
            case "UBIGINT" -> new String[] { "NUMERIC", "DECIMAL(38,9)" };
            case "HUGEINT", "UHUGEINT" -> new String[] { "BIGNUMERIC", "DECIMAL(38,0)" };
            case "DOUBLE", "FLOAT", "REAL" -> new String[] { "FLOAT64", "DOUBLE" };
            case "BOOLEAN" -> new String[] { "BOOL", "BOOLEAN" };
            case "DATE" -> new String[] { "DATE", "DATE" };
            case "TIME" -> new String[] { "TIME", "TIME" };
            case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" ->
                    new String[] { "TIMESTAMP", "TIMESTAMPTZ" };
            default -> new String[] { "STRING", "VARCHAR" };
        };
    }

    /** The DuckDB type of a Parquet column BigQuery reads into a field of {@code bigQueryType}. */
    static String parquetType(String bigQueryType) {
        return switch (bigQueryType) {
            case "INT64" -> "BIGINT";
            case "NUMERIC", "BIGNUMERIC" -> "DECIMAL(38,9)";
            case "FLOAT64" -> "DOUBLE";
            case "BOOL" -> "BOOLEAN";
            case "DATE" -> "DATE";
            case "TIME" -> "TIME";
            case "DATETIME" -> "TIMESTAMP";
            case "TIMESTAMP" -> "TIMESTAMPTZ";
            case "JSON" -> "JSON";
            default -> "VARCHAR";
        };
    }

    /** The DuckDB expression writing {@code value} as a Parquet column BigQuery reads as {@code bigQueryType}. */
    private static String cast(String value, String bigQueryType, String duckType) {
        if (bigQueryType.equals("TIMESTAMP")) {
            // Staged timestamps are UTC wall times: marked as UTC, so Parquet says "adjusted to UTC" and BigQuery agrees.
            return "timezone('UTC', CAST(" + value + " AS TIMESTAMP))";
        }
        return "CAST(" + value + " AS " + duckType + ")";
    }

    /**
     * A field name BigQuery accepts: letters, digits and underscores, not starting with a digit nor with one of its
     * reserved prefixes, at most 300 characters. Accents are dropped (é becomes e), other characters become "_".
     */
    static String validName(String name) {
        String plain = java.text.Normalizer.normalize(name.strip(), java.text.Normalizer.Form.NFD)
                .replaceAll("\\p{M}+", "");
        String valid = plain.replaceAll("[^A-Za-z0-9_]+", "_");
        // "Amount ($)" is Amount, not Amount_; a name that itself starts or ends with "_" keeps it.
        if (!plain.startsWith("_")) {
            valid = valid.replaceAll("^_+(?=.)", "");
        }
        if (!plain.endsWith("_")) {
            valid = valid.replaceAll("(?<=.)_+$", "");
        }
        if (valid.isEmpty() || valid.chars().allMatch(c -> c == '_')) {
            valid = "column";
        }
        if (Character.isDigit(valid.charAt(0))) {
            valid = "_" + valid;
        }
        String upper = valid.toUpperCase(Locale.ROOT);
        if (RESERVED.stream().anyMatch(upper::startsWith)) {
            valid = "c" + valid;
        }
        return valid.length() > MAX_NAME ? valid.substring(0, MAX_NAME) : valid;
    }

    /** {@code name}, or with _2, _3… when taken: BigQuery's field names ignore case. */
    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int n = 2; !taken.add(candidate.toLowerCase(Locale.ROOT)); n++) {
            String suffix = "_" + n;
            candidate = (name.length() + suffix.length() > MAX_NAME ? name.substring(0, MAX_NAME - suffix.length())
                    : name) + suffix;
        }
        return candidate;
    }
}
