-- The scheduler moves from Quartz to db-scheduler (docs/decisions.md): one table of executions, one per flow, whose
-- time is the flow's next slot. The table as db-scheduler's README gives it for PostgreSQL
-- (db-scheduler/src/test/resources/postgresql_tables.sql, v16.7.1).
CREATE TABLE scheduled_tasks (
    task_name            TEXT NOT NULL,
    task_instance        TEXT NOT NULL,
    task_data            BYTEA,
    execution_time       TIMESTAMP WITH TIME ZONE NOT NULL,
    picked               BOOLEAN NOT NULL,
    picked_by            TEXT,
    last_success         TIMESTAMP WITH TIME ZONE,
    last_failure         TIMESTAMP WITH TIME ZONE,
    consecutive_failures INT,
    last_heartbeat       TIMESTAMP WITH TIME ZONE,
    version              BIGINT NOT NULL,
    priority             SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);

-- Every flow keeps its next slot: the one its Quartz trigger was set to (epoch millis; trigger name = flow id, group
-- 'flows'), or, when the old version stopped while firing a slot, that slot (Quartz kept it for recovery), whichever
-- is first. A slot fired again is recorded once: runs are keyed by (flow, slot). Flows without either get theirs from
-- the start-up reconcile.
INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, consecutive_failures, version)
SELECT 'flow-slot', f.id::text, to_timestamp(s.at / 1000.0), FALSE, 0, 1
FROM flow f
JOIN (SELECT flow, MIN(at) AS at
      FROM (SELECT trigger_name AS flow, next_fire_time AS at FROM qrtz_triggers
            WHERE trigger_group = 'flows' AND next_fire_time IS NOT NULL
            UNION ALL
            SELECT trigger_name, sched_time FROM qrtz_fired_triggers WHERE trigger_group = 'flows') slots
      GROUP BY flow) s ON s.flow = f.id::text;

DROP TABLE qrtz_simple_triggers;
DROP TABLE qrtz_cron_triggers;
DROP TABLE qrtz_simprop_triggers;
DROP TABLE qrtz_blob_triggers;
DROP TABLE qrtz_fired_triggers;
DROP TABLE qrtz_paused_trigger_grps;
DROP TABLE qrtz_scheduler_state;
DROP TABLE qrtz_locks;
DROP TABLE qrtz_calendars;
DROP TABLE qrtz_triggers;
DROP TABLE qrtz_job_details;
