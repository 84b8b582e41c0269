package io.rowflow.pipeline;

import io.rowflow.common.cancel.InFlight;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Staging's DuckDB statements, made to end when their run is stopped (a cancel, its time limit): a native query ignores
 * {@link Thread#interrupt()}, so each one is registered with {@link InFlight}, which cancels it, and none starts on a
 * thread already told to stop. A 16,384-column source spends seconds in single statements (its table, type passes,
 * the typed copy); without this a cancel waited for each of them.
 */
public final class Stoppable {
    /** Reads a query's result. */
    @FunctionalInterface
    interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private Stoppable() {
    }

    static void execute(Statement statement, String sql) throws SQLException {
        run(statement, () -> {
            statement.execute(sql);
            return null;
        });
    }

    static <T> T query(Statement statement, String sql, Reader<T> reader) throws SQLException {
        return run(statement, () -> {
            try (ResultSet rs = statement.executeQuery(sql)) {
                return reader.read(rs);
            }
        });
    }

    /** Throws {@link RunCancelledException} when the current thread was told to stop; a cheap check for loops. */
    static void check() {
        if (Thread.currentThread().isInterrupted()) {
            throw new RunCancelledException();
        }
    }

    private interface Call<T> {
        T run() throws SQLException;
    }

    private static <T> T run(Statement statement, Call<T> call) throws SQLException {
        check();
        try (InFlight.Registration aborts = abortsOnStop(statement)) {
            check(); // a stop between the first check and the registration found nothing to abort
            return call.run();
        } catch (SQLException e) {
            check(); // an aborted statement reads as a stop, not as a database failure
            throw e;
        }
    }

    /** Registers {@code statement} to be cancelled when the current thread is told to stop (transforms use it too). */
    public static InFlight.Registration abortsOnStop(Statement statement) {
        return InFlight.register(() -> cancelQuietly(statement));
    }

    public static void cancelQuietly(Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException | RuntimeException e) {
            // the statement ended meanwhile
        }
    }
}
