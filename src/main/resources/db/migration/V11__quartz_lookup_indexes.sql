-- Quartz's lookups that the first job-store script left without an index, found by the scheduler burst benchmark.
-- Taking due triggers orders them by fire time then priority: with priority in the index, a batch reads its few rows
-- instead of sorting every due trigger (all of them, when thousands of flows are due in the same minute).
CREATE INDEX IDX_QRTZ_T_NFT_ST_PRIO ON QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_STATE, NEXT_FIRE_TIME, PRIORITY DESC);
DROP INDEX IDX_QRTZ_T_NFT_ST;
-- A job's triggers (blocked and released around each firing of a job that must not run twice at once).
CREATE INDEX IDX_QRTZ_T_J ON QRTZ_TRIGGERS (SCHED_NAME, JOB_NAME, JOB_GROUP);
-- The misfire scan: late triggers in a state, by misfire rule.
CREATE INDEX IDX_QRTZ_T_NFT_ST_MISFIRE ON QRTZ_TRIGGERS (SCHED_NAME, MISFIRE_INSTR, NEXT_FIRE_TIME, TRIGGER_STATE);
-- A fired trigger by its trigger (on completion and in cluster recovery).
CREATE INDEX IDX_QRTZ_FT_T_G ON QRTZ_FIRED_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP);
