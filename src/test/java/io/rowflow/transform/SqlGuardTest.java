package io.rowflow.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A custom SQL step cannot read what reveals the host (absolute data paths, settings, environment, attached databases),
 * however the call is written; ordinary functions and the step's own tables still work.
 */
class SqlGuardTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SELECT * FROM duckdb_settings()|the function duckdb_settings()",
            "SELECT value FROM duckdb_settings() WHERE name = 'temp_directory'|the function duckdb_settings()",
            "SELECT current_setting('temp_directory') AS t|the function current_setting()",
            "SELECT CURRENT_SETTING('temp_directory') AS t|the function current_setting()",
            "SELECT \"Current_Setting\"('temp_directory') AS t|the function current_setting()",
            "SELECT * FROM pragma_database_list|the table pragma_database_list",
            "SELECT * FROM pragma_database_list()|the function pragma_database_list()",
            "SELECT * FROM duckdb_databases()|the function duckdb_databases()",
            "SELECT path FROM duckdb_databases|the table duckdb_databases",
            "SELECT * FROM main.duckdb_extensions()|the function duckdb_extensions()",
            "SELECT * FROM duckdb_temporary_files()|the function duckdb_temporary_files()",
            "SELECT getenv('HOME') AS h|the function getenv()",
            "SELECT * FROM pg_catalog.pg_settings|the table pg_settings",
            "SELECT * FROM query('SELECT * FROM duckdb_settings()')|the function query()",
            "WITH s AS (SELECT * FROM input) SELECT a, (SELECT max(value) FROM duckdb_settings()) AS v FROM s|the function duckdb_settings()",
            "SELECT a FROM input WHERE a IN (SELECT getenv('USER'))|the function getenv()",
            "FROM duckdb_settings()|the function duckdb_settings()" })
    void refusesIntrospection(String query, String named) throws Exception {
        TransformTest t = new TransformTest();
        t.open();
        try {
            t.source("s", null, List.of(TransformTest.row("a", "1")));
            assertThatThrownBy(() -> t.run("{\"steps\": [{\"type\": \"sql\", \"query\": "
                    + TransformTest.JSON.writeValueAsString(query) + "}]}"))
                    .as(query).isInstanceOf(TransformException.class)
                    .hasMessage("transform.steps[0].query: " + named + " is not allowed in a SQL step: it reveals the"
                            + " server's settings, files or environment")
                    .extracting(e -> ((TransformException) e).field()).isEqualTo("transform.steps[0].query");
        } finally {
            t.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "SELECT max(a) AS a FROM input", "SELECT a FROM input WHERE current_date IS NOT NULL",
            "SELECT a FROM input WHERE a IN (SELECT a FROM source_1)", "WITH settings AS (SELECT a FROM input) FROM settings" })
    void ordinaryQueriesStillRun(String query) throws Exception {
        TransformTest t = new TransformTest();
        t.open();
        try {
            t.source("s", null, List.of(TransformTest.row("a", "1")));
            TransformTest.Result r = t.run("{\"steps\": [{\"type\": \"sql\", \"query\": "
                    + TransformTest.JSON.writeValueAsString(query) + "}]}");
            assertThat(r.rows()).containsExactly(List.of(1L));
        } finally {
            t.close();
        }
    }
}
