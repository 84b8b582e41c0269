package io.rowflow.schedule;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.quartz.utils.ConnectionProvider;

/**
 * Hands Quartz connections from the application's own pool (Agroal), so the job store lives in Rowflow's database and
 * shares its settings. Quartz instantiates this class by name, hence the static hand-over.
 */
public class QuartzDataSource implements ConnectionProvider {
    static volatile DataSource dataSource;

    @Override
    public Connection getConnection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void shutdown() {
        // The pool belongs to the application.
    }

    @Override
    public void initialize() {
        if (dataSource == null) {
            throw new IllegalStateException("The scheduler started before its data source was set");
        }
    }
}
