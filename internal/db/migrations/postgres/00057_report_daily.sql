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
    day     BIGINT NOT NULL, -- days since 1970-01-01 (UTC): hours day*24 to day*24+23
    dim_key TEXT   NOT NULL,
    created BIGINT NOT NULL DEFAULT 0,
    solved BIGINT NOT NULL DEFAULT 0,
    open_now BIGINT NOT NULL DEFAULT 0,
    fr_n BIGINT NOT NULL DEFAULT 0,
    fr_sum BIGINT NOT NULL DEFAULT 0,
    res_n BIGINT NOT NULL DEFAULT 0,
    res_sum BIGINT NOT NULL DEFAULT 0,
    fr_h00 BIGINT NOT NULL DEFAULT 0,
    fr_h01 BIGINT NOT NULL DEFAULT 0,
    fr_h02 BIGINT NOT NULL DEFAULT 0,
    fr_h03 BIGINT NOT NULL DEFAULT 0,
    fr_h04 BIGINT NOT NULL DEFAULT 0,
    fr_h05 BIGINT NOT NULL DEFAULT 0,
    fr_h06 BIGINT NOT NULL DEFAULT 0,
    fr_h07 BIGINT NOT NULL DEFAULT 0,
    fr_h08 BIGINT NOT NULL DEFAULT 0,
    fr_h09 BIGINT NOT NULL DEFAULT 0,
    fr_h10 BIGINT NOT NULL DEFAULT 0,
    fr_h11 BIGINT NOT NULL DEFAULT 0,
    fr_h12 BIGINT NOT NULL DEFAULT 0,
    fr_h13 BIGINT NOT NULL DEFAULT 0,
    fr_h14 BIGINT NOT NULL DEFAULT 0,
    fr_h15 BIGINT NOT NULL DEFAULT 0,
    fr_h16 BIGINT NOT NULL DEFAULT 0,
    fr_h17 BIGINT NOT NULL DEFAULT 0,
    fr_h18 BIGINT NOT NULL DEFAULT 0,
    fr_h19 BIGINT NOT NULL DEFAULT 0,
    fr_h20 BIGINT NOT NULL DEFAULT 0,
    fr_h21 BIGINT NOT NULL DEFAULT 0,
    fr_h22 BIGINT NOT NULL DEFAULT 0,
    fr_h23 BIGINT NOT NULL DEFAULT 0,
    fr_h24 BIGINT NOT NULL DEFAULT 0,
    fr_h25 BIGINT NOT NULL DEFAULT 0,
    fr_h26 BIGINT NOT NULL DEFAULT 0,
    fr_h27 BIGINT NOT NULL DEFAULT 0,
    fr_h28 BIGINT NOT NULL DEFAULT 0,
    fr_h29 BIGINT NOT NULL DEFAULT 0,
    fr_h30 BIGINT NOT NULL DEFAULT 0,
    fr_h31 BIGINT NOT NULL DEFAULT 0,
    res_h00 BIGINT NOT NULL DEFAULT 0,
    res_h01 BIGINT NOT NULL DEFAULT 0,
    res_h02 BIGINT NOT NULL DEFAULT 0,
    res_h03 BIGINT NOT NULL DEFAULT 0,
    res_h04 BIGINT NOT NULL DEFAULT 0,
    res_h05 BIGINT NOT NULL DEFAULT 0,
    res_h06 BIGINT NOT NULL DEFAULT 0,
    res_h07 BIGINT NOT NULL DEFAULT 0,
    res_h08 BIGINT NOT NULL DEFAULT 0,
    res_h09 BIGINT NOT NULL DEFAULT 0,
    res_h10 BIGINT NOT NULL DEFAULT 0,
    res_h11 BIGINT NOT NULL DEFAULT 0,
    res_h12 BIGINT NOT NULL DEFAULT 0,
    res_h13 BIGINT NOT NULL DEFAULT 0,
    res_h14 BIGINT NOT NULL DEFAULT 0,
    res_h15 BIGINT NOT NULL DEFAULT 0,
    res_h16 BIGINT NOT NULL DEFAULT 0,
    res_h17 BIGINT NOT NULL DEFAULT 0,
    res_h18 BIGINT NOT NULL DEFAULT 0,
    res_h19 BIGINT NOT NULL DEFAULT 0,
    res_h20 BIGINT NOT NULL DEFAULT 0,
    res_h21 BIGINT NOT NULL DEFAULT 0,
    res_h22 BIGINT NOT NULL DEFAULT 0,
    res_h23 BIGINT NOT NULL DEFAULT 0,
    res_h24 BIGINT NOT NULL DEFAULT 0,
    res_h25 BIGINT NOT NULL DEFAULT 0,
    res_h26 BIGINT NOT NULL DEFAULT 0,
    res_h27 BIGINT NOT NULL DEFAULT 0,
    res_h28 BIGINT NOT NULL DEFAULT 0,
    res_h29 BIGINT NOT NULL DEFAULT 0,
    res_h30 BIGINT NOT NULL DEFAULT 0,
    res_h31 BIGINT NOT NULL DEFAULT 0,
    fr_bsum BIGINT NOT NULL DEFAULT 0,
    res_bsum BIGINT NOT NULL DEFAULT 0,
    csat_n BIGINT NOT NULL DEFAULT 0,
    csat_sat BIGINT NOT NULL DEFAULT 0,
    ces_n BIGINT NOT NULL DEFAULT 0,
    ces_sum BIGINT NOT NULL DEFAULT 0,
    fr_bh00 BIGINT NOT NULL DEFAULT 0,
    fr_bh01 BIGINT NOT NULL DEFAULT 0,
    fr_bh02 BIGINT NOT NULL DEFAULT 0,
    fr_bh03 BIGINT NOT NULL DEFAULT 0,
    fr_bh04 BIGINT NOT NULL DEFAULT 0,
    fr_bh05 BIGINT NOT NULL DEFAULT 0,
    fr_bh06 BIGINT NOT NULL DEFAULT 0,
    fr_bh07 BIGINT NOT NULL DEFAULT 0,
    fr_bh08 BIGINT NOT NULL DEFAULT 0,
    fr_bh09 BIGINT NOT NULL DEFAULT 0,
    fr_bh10 BIGINT NOT NULL DEFAULT 0,
    fr_bh11 BIGINT NOT NULL DEFAULT 0,
    fr_bh12 BIGINT NOT NULL DEFAULT 0,
    fr_bh13 BIGINT NOT NULL DEFAULT 0,
    fr_bh14 BIGINT NOT NULL DEFAULT 0,
    fr_bh15 BIGINT NOT NULL DEFAULT 0,
    fr_bh16 BIGINT NOT NULL DEFAULT 0,
    fr_bh17 BIGINT NOT NULL DEFAULT 0,
    fr_bh18 BIGINT NOT NULL DEFAULT 0,
    fr_bh19 BIGINT NOT NULL DEFAULT 0,
    fr_bh20 BIGINT NOT NULL DEFAULT 0,
    fr_bh21 BIGINT NOT NULL DEFAULT 0,
    fr_bh22 BIGINT NOT NULL DEFAULT 0,
    fr_bh23 BIGINT NOT NULL DEFAULT 0,
    fr_bh24 BIGINT NOT NULL DEFAULT 0,
    fr_bh25 BIGINT NOT NULL DEFAULT 0,
    fr_bh26 BIGINT NOT NULL DEFAULT 0,
    fr_bh27 BIGINT NOT NULL DEFAULT 0,
    fr_bh28 BIGINT NOT NULL DEFAULT 0,
    fr_bh29 BIGINT NOT NULL DEFAULT 0,
    fr_bh30 BIGINT NOT NULL DEFAULT 0,
    fr_bh31 BIGINT NOT NULL DEFAULT 0,
    res_bh00 BIGINT NOT NULL DEFAULT 0,
    res_bh01 BIGINT NOT NULL DEFAULT 0,
    res_bh02 BIGINT NOT NULL DEFAULT 0,
    res_bh03 BIGINT NOT NULL DEFAULT 0,
    res_bh04 BIGINT NOT NULL DEFAULT 0,
    res_bh05 BIGINT NOT NULL DEFAULT 0,
    res_bh06 BIGINT NOT NULL DEFAULT 0,
    res_bh07 BIGINT NOT NULL DEFAULT 0,
    res_bh08 BIGINT NOT NULL DEFAULT 0,
    res_bh09 BIGINT NOT NULL DEFAULT 0,
    res_bh10 BIGINT NOT NULL DEFAULT 0,
    res_bh11 BIGINT NOT NULL DEFAULT 0,
    res_bh12 BIGINT NOT NULL DEFAULT 0,
    res_bh13 BIGINT NOT NULL DEFAULT 0,
    res_bh14 BIGINT NOT NULL DEFAULT 0,
    res_bh15 BIGINT NOT NULL DEFAULT 0,
    res_bh16 BIGINT NOT NULL DEFAULT 0,
    res_bh17 BIGINT NOT NULL DEFAULT 0,
    res_bh18 BIGINT NOT NULL DEFAULT 0,
    res_bh19 BIGINT NOT NULL DEFAULT 0,
    res_bh20 BIGINT NOT NULL DEFAULT 0,
    res_bh21 BIGINT NOT NULL DEFAULT 0,
    res_bh22 BIGINT NOT NULL DEFAULT 0,
    res_bh23 BIGINT NOT NULL DEFAULT 0,
    res_bh24 BIGINT NOT NULL DEFAULT 0,
    res_bh25 BIGINT NOT NULL DEFAULT 0,
    res_bh26 BIGINT NOT NULL DEFAULT 0,
    res_bh27 BIGINT NOT NULL DEFAULT 0,
    res_bh28 BIGINT NOT NULL DEFAULT 0,
    res_bh29 BIGINT NOT NULL DEFAULT 0,
    res_bh30 BIGINT NOT NULL DEFAULT 0,
    res_bh31 BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, day, dim_key)
);

CREATE TABLE report_sla_daily (
    metric  TEXT   NOT NULL,
    dim     TEXT   NOT NULL,
    day     BIGINT NOT NULL, -- the deadline's day since 1970-01-01 (UTC)
    dim_key TEXT   NOT NULL,
    met     BIGINT NOT NULL DEFAULT 0,
    missed  BIGINT NOT NULL DEFAULT 0,
    open    BIGINT NOT NULL DEFAULT 0,
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
