package io.rowflow.schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.quartz.TriggerKey;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;

/**
 * Quartz's PostgreSQL delegate, with the query that takes due triggers limited in SQL. Quartz caps that query through
 * JDBC's max-rows, which PostgreSQL's planner never sees: when thousands of flows are due in the same minute it plans
 * for all of them, reading and sorting every due trigger for each batch of a few. With {@code LIMIT} it walks the
 * (state, fire time, priority) index and stops at the batch.
 */
public class LimitedAcquirePostgreSQLDelegate extends PostgreSQLDelegate {
    @Override
    public List<TriggerKey> selectTriggerToAcquire(Connection conn, long noLaterThan, long noEarlierThan, int maxCount)
            throws SQLException {
        int limit = Math.max(1, maxCount);
        List<TriggerKey> due = new ArrayList<>(limit);
        try (PreparedStatement ps = conn.prepareStatement(rtp(SELECT_NEXT_TRIGGER_TO_ACQUIRE) + " LIMIT " + limit)) {
            ps.setString(1, STATE_WAITING);
            ps.setLong(2, noLaterThan);
            ps.setLong(3, noEarlierThan);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.add(TriggerKey.triggerKey(rs.getString(COL_TRIGGER_NAME), rs.getString(COL_TRIGGER_GROUP)));
                }
            }
        }
        return due;
    }
}
