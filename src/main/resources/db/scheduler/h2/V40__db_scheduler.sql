-- The scheduler moves from Quartz to db-scheduler (docs/decisions.md): one table of executions, one per flow, whose
-- time is the flow's next slot. The table as db-scheduler gives it for HSQLDB/generic databases
-- (db-scheduler/src/test/resources/hsql_tables.sql, v16.7.1), with H2's BOOLEAN and the NOT NULLs of its PostgreSQL one.
CREATE TABLE scheduled_tasks (
    task_name            VARCHAR(100) NOT NULL,
    task_instance        VARCHAR(100) NOT NULL,
    task_data            BLOB,
    execution_time       TIMESTAMP WITH TIME ZONE NOT NULL,
    picked               BOOLEAN NOT NULL,
    picked_by            VARCHAR(50),
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
SELECT 'flow-slot', CAST(f.id AS VARCHAR(36)),
       DATEADD(MILLISECOND, s.at, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00:00'), FALSE, 0, 1
FROM flow f
JOIN (SELECT flow, MIN(at) AS at
      FROM (SELECT TRIGGER_NAME AS flow, NEXT_FIRE_TIME AS at FROM QRTZ_TRIGGERS
            WHERE TRIGGER_GROUP = 'flows' AND NEXT_FIRE_TIME IS NOT NULL
            UNION ALL
            SELECT TRIGGER_NAME, SCHED_TIME FROM QRTZ_FIRED_TRIGGERS WHERE TRIGGER_GROUP = 'flows') slots
      GROUP BY flow) s ON s.flow = CAST(f.id AS VARCHAR(36));

DROP TABLE QRTZ_SIMPLE_TRIGGERS;
DROP TABLE QRTZ_CRON_TRIGGERS;
DROP TABLE QRTZ_SIMPROP_TRIGGERS;
DROP TABLE QRTZ_BLOB_TRIGGERS;
DROP TABLE QRTZ_FIRED_TRIGGERS;
DROP TABLE QRTZ_PAUSED_TRIGGER_GRPS;
DROP TABLE QRTZ_SCHEDULER_STATE;
DROP TABLE QRTZ_LOCKS;
DROP TABLE QRTZ_CALENDARS;
DROP TABLE QRTZ_TRIGGERS;
DROP TABLE QRTZ_JOB_DETAILS;
