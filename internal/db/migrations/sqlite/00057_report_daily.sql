-- Daily report roll-ups (internal/report, issue 17): report_daily is
-- report_hourly summed by UTC day (day = hour / 24), one row per day,
-- dimension and key, kept in the same transactions as the hourly rows. A
-- report over a long range reads the whole UTC days that fall inside one of
-- its periods (a local day or week) from here and only the hours at the
-- edges from report_hourly: a sum over a set of hours is the same whatever
-- zone, as long as each hour is counted once, so a year by agent reads
-- about 12 x 365 rows instead of 12 x 8,760.
-- report_sla_daily is report_sla_hourly summed by UTC day likewise (a
-- report reads the current day in hours, to split its open clocks).
-- report_sla_facts gains each clock's ticket's agent and tags (kept as the
-- ticket changes), so service level is grouped by agent and tag like the
-- other reports; report_sla_hourly then has the dims 'agent' and 'tag'.
-- The whole roll-up is built again at the next start (built = 0), so the
-- daily rows and the clocks' new groups are counted.

-- +goose Up
CREATE TABLE report_daily (
    dim     TEXT   NOT NULL,
    day     INTEGER NOT NULL, -- days since 1970-01-01 (UTC): hours day*24 to day*24+23
    dim_key TEXT   NOT NULL,
    created INTEGER NOT NULL DEFAULT 0,
    solved INTEGER NOT NULL DEFAULT 0,
    open_now INTEGER NOT NULL DEFAULT 0,
    fr_n INTEGER NOT NULL DEFAULT 0,
    fr_sum INTEGER NOT NULL DEFAULT 0,
    res_n INTEGER NOT NULL DEFAULT 0,
    res_sum INTEGER NOT NULL DEFAULT 0,
    fr_h00 INTEGER NOT NULL DEFAULT 0,
    fr_h01 INTEGER NOT NULL DEFAULT 0,
    fr_h02 INTEGER NOT NULL DEFAULT 0,
    fr_h03 INTEGER NOT NULL DEFAULT 0,
    fr_h04 INTEGER NOT NULL DEFAULT 0,
    fr_h05 INTEGER NOT NULL DEFAULT 0,
    fr_h06 INTEGER NOT NULL DEFAULT 0,
    fr_h07 INTEGER NOT NULL DEFAULT 0,
    fr_h08 INTEGER NOT NULL DEFAULT 0,
    fr_h09 INTEGER NOT NULL DEFAULT 0,
    fr_h10 INTEGER NOT NULL DEFAULT 0,
    fr_h11 INTEGER NOT NULL DEFAULT 0,
    fr_h12 INTEGER NOT NULL DEFAULT 0,
    fr_h13 INTEGER NOT NULL DEFAULT 0,
    fr_h14 INTEGER NOT NULL DEFAULT 0,
    fr_h15 INTEGER NOT NULL DEFAULT 0,
    fr_h16 INTEGER NOT NULL DEFAULT 0,
    fr_h17 INTEGER NOT NULL DEFAULT 0,
    fr_h18 INTEGER NOT NULL DEFAULT 0,
    fr_h19 INTEGER NOT NULL DEFAULT 0,
    fr_h20 INTEGER NOT NULL DEFAULT 0,
    fr_h21 INTEGER NOT NULL DEFAULT 0,
    fr_h22 INTEGER NOT NULL DEFAULT 0,
    fr_h23 INTEGER NOT NULL DEFAULT 0,
    fr_h24 INTEGER NOT NULL DEFAULT 0,
    fr_h25 INTEGER NOT NULL DEFAULT 0,
    fr_h26 INTEGER NOT NULL DEFAULT 0,
    fr_h27 INTEGER NOT NULL DEFAULT 0,
    fr_h28 INTEGER NOT NULL DEFAULT 0,
    fr_h29 INTEGER NOT NULL DEFAULT 0,
    fr_h30 INTEGER NOT NULL DEFAULT 0,
    fr_h31 INTEGER NOT NULL DEFAULT 0,
    res_h00 INTEGER NOT NULL DEFAULT 0,
    res_h01 INTEGER NOT NULL DEFAULT 0,
    res_h02 INTEGER NOT NULL DEFAULT 0,
    res_h03 INTEGER NOT NULL DEFAULT 0,
    res_h04 INTEGER NOT NULL DEFAULT 0,
    res_h05 INTEGER NOT NULL DEFAULT 0,
    res_h06 INTEGER NOT NULL DEFAULT 0,
    res_h07 INTEGER NOT NULL DEFAULT 0,
    res_h08 INTEGER NOT NULL DEFAULT 0,
    res_h09 INTEGER NOT NULL DEFAULT 0,
    res_h10 INTEGER NOT NULL DEFAULT 0,
    res_h11 INTEGER NOT NULL DEFAULT 0,
    res_h12 INTEGER NOT NULL DEFAULT 0,
    res_h13 INTEGER NOT NULL DEFAULT 0,
    res_h14 INTEGER NOT NULL DEFAULT 0,
    res_h15 INTEGER NOT NULL DEFAULT 0,
    res_h16 INTEGER NOT NULL DEFAULT 0,
    res_h17 INTEGER NOT NULL DEFAULT 0,
    res_h18 INTEGER NOT NULL DEFAULT 0,
    res_h19 INTEGER NOT NULL DEFAULT 0,
    res_h20 INTEGER NOT NULL DEFAULT 0,
    res_h21 INTEGER NOT NULL DEFAULT 0,
    res_h22 INTEGER NOT NULL DEFAULT 0,
    res_h23 INTEGER NOT NULL DEFAULT 0,
    res_h24 INTEGER NOT NULL DEFAULT 0,
    res_h25 INTEGER NOT NULL DEFAULT 0,
    res_h26 INTEGER NOT NULL DEFAULT 0,
    res_h27 INTEGER NOT NULL DEFAULT 0,
    res_h28 INTEGER NOT NULL DEFAULT 0,
    res_h29 INTEGER NOT NULL DEFAULT 0,
    res_h30 INTEGER NOT NULL DEFAULT 0,
    res_h31 INTEGER NOT NULL DEFAULT 0,
    fr_bsum INTEGER NOT NULL DEFAULT 0,
    res_bsum INTEGER NOT NULL DEFAULT 0,
    csat_n INTEGER NOT NULL DEFAULT 0,
    csat_sat INTEGER NOT NULL DEFAULT 0,
    ces_n INTEGER NOT NULL DEFAULT 0,
    ces_sum INTEGER NOT NULL DEFAULT 0,
    fr_bh00 INTEGER NOT NULL DEFAULT 0,
    fr_bh01 INTEGER NOT NULL DEFAULT 0,
    fr_bh02 INTEGER NOT NULL DEFAULT 0,
    fr_bh03 INTEGER NOT NULL DEFAULT 0,
    fr_bh04 INTEGER NOT NULL DEFAULT 0,
    fr_bh05 INTEGER NOT NULL DEFAULT 0,
    fr_bh06 INTEGER NOT NULL DEFAULT 0,
    fr_bh07 INTEGER NOT NULL DEFAULT 0,
    fr_bh08 INTEGER NOT NULL DEFAULT 0,
    fr_bh09 INTEGER NOT NULL DEFAULT 0,
    fr_bh10 INTEGER NOT NULL DEFAULT 0,
    fr_bh11 INTEGER NOT NULL DEFAULT 0,
    fr_bh12 INTEGER NOT NULL DEFAULT 0,
    fr_bh13 INTEGER NOT NULL DEFAULT 0,
    fr_bh14 INTEGER NOT NULL DEFAULT 0,
    fr_bh15 INTEGER NOT NULL DEFAULT 0,
    fr_bh16 INTEGER NOT NULL DEFAULT 0,
    fr_bh17 INTEGER NOT NULL DEFAULT 0,
    fr_bh18 INTEGER NOT NULL DEFAULT 0,
    fr_bh19 INTEGER NOT NULL DEFAULT 0,
    fr_bh20 INTEGER NOT NULL DEFAULT 0,
    fr_bh21 INTEGER NOT NULL DEFAULT 0,
    fr_bh22 INTEGER NOT NULL DEFAULT 0,
    fr_bh23 INTEGER NOT NULL DEFAULT 0,
    fr_bh24 INTEGER NOT NULL DEFAULT 0,
    fr_bh25 INTEGER NOT NULL DEFAULT 0,
    fr_bh26 INTEGER NOT NULL DEFAULT 0,
    fr_bh27 INTEGER NOT NULL DEFAULT 0,
    fr_bh28 INTEGER NOT NULL DEFAULT 0,
    fr_bh29 INTEGER NOT NULL DEFAULT 0,
    fr_bh30 INTEGER NOT NULL DEFAULT 0,
    fr_bh31 INTEGER NOT NULL DEFAULT 0,
    res_bh00 INTEGER NOT NULL DEFAULT 0,
    res_bh01 INTEGER NOT NULL DEFAULT 0,
    res_bh02 INTEGER NOT NULL DEFAULT 0,
    res_bh03 INTEGER NOT NULL DEFAULT 0,
    res_bh04 INTEGER NOT NULL DEFAULT 0,
    res_bh05 INTEGER NOT NULL DEFAULT 0,
    res_bh06 INTEGER NOT NULL DEFAULT 0,
    res_bh07 INTEGER NOT NULL DEFAULT 0,
    res_bh08 INTEGER NOT NULL DEFAULT 0,
    res_bh09 INTEGER NOT NULL DEFAULT 0,
    res_bh10 INTEGER NOT NULL DEFAULT 0,
    res_bh11 INTEGER NOT NULL DEFAULT 0,
    res_bh12 INTEGER NOT NULL DEFAULT 0,
    res_bh13 INTEGER NOT NULL DEFAULT 0,
    res_bh14 INTEGER NOT NULL DEFAULT 0,
    res_bh15 INTEGER NOT NULL DEFAULT 0,
    res_bh16 INTEGER NOT NULL DEFAULT 0,
    res_bh17 INTEGER NOT NULL DEFAULT 0,
    res_bh18 INTEGER NOT NULL DEFAULT 0,
    res_bh19 INTEGER NOT NULL DEFAULT 0,
    res_bh20 INTEGER NOT NULL DEFAULT 0,
    res_bh21 INTEGER NOT NULL DEFAULT 0,
    res_bh22 INTEGER NOT NULL DEFAULT 0,
    res_bh23 INTEGER NOT NULL DEFAULT 0,
    res_bh24 INTEGER NOT NULL DEFAULT 0,
    res_bh25 INTEGER NOT NULL DEFAULT 0,
    res_bh26 INTEGER NOT NULL DEFAULT 0,
    res_bh27 INTEGER NOT NULL DEFAULT 0,
    res_bh28 INTEGER NOT NULL DEFAULT 0,
    res_bh29 INTEGER NOT NULL DEFAULT 0,
    res_bh30 INTEGER NOT NULL DEFAULT 0,
    res_bh31 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, day, dim_key)
);

CREATE TABLE report_sla_daily (
    metric  TEXT   NOT NULL,
    dim     TEXT   NOT NULL,
    day     INTEGER NOT NULL, -- the deadline's day since 1970-01-01 (UTC)
    dim_key TEXT   NOT NULL,
    met     INTEGER NOT NULL DEFAULT 0,
    missed  INTEGER NOT NULL DEFAULT 0,
    open    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, dim, day, dim_key)
);

ALTER TABLE report_sla_facts ADD COLUMN agent_key TEXT NOT NULL DEFAULT '';
ALTER TABLE report_sla_facts ADD COLUMN tags TEXT NOT NULL DEFAULT ''; -- sorted, one a line

DELETE FROM report_hourly;
DELETE FROM report_facts;
DELETE FROM report_survey_facts;
DELETE FROM report_sla_hourly;
DELETE FROM report_sla_facts;
UPDATE report_state SET built = 0 WHERE id = 1;

-- +goose Down
ALTER TABLE report_sla_facts DROP COLUMN tags;
ALTER TABLE report_sla_facts DROP COLUMN agent_key;
DROP TABLE report_sla_daily;
DROP TABLE report_daily;
DELETE FROM report_hourly;
DELETE FROM report_facts;
DELETE FROM report_survey_facts;
DELETE FROM report_sla_hourly;
DELETE FROM report_sla_facts;
UPDATE report_state SET built = 0 WHERE id = 1;
