-- Report roll-ups, second part (internal/report): business-hours times,
-- survey answers and SLA clock outcomes, kept as events arrive like the
-- rest of the roll-up.
--
-- report_hourly gains, per hour, dimension and key:
--   fr_bsum, res_bsum and the fr_bhNN / res_bhNN histograms: first reply
--     and resolution times counted in the open time of the ticket's team
--     schedule (else the desk default), beside the calendar ones; the
--     counts are fr_n and res_n, the same tickets;
--   csat_n, csat_sat: CSAT answers given that hour, and those satisfied
--     (4 or 5 of 5); ces_n, ces_sum: CES answers and their sum.
-- report_facts gains each ticket's business seconds (as computed when the
-- fact was recorded, with the schedule then in force).
-- report_survey_facts is each answered survey's share (by the hour of its
-- first answer; team, agent and channel frozen at the solve; the ticket's
-- tags).
-- report_sla_hourly counts clocks by metric and the hour of their deadline:
--   met (fulfilled by the deadline), missed (breached), open (active with
--   a deadline: missed once the deadline has passed, pending before). Its
--   per-clock shares are in report_sla_facts (due_ms: the deadline in
--   milliseconds since the epoch, to split the current hour exactly).
-- The whole roll-up is built again at the next start (built = 0), so
-- existing tickets, surveys and clocks are counted.

-- +goose Up
ALTER TABLE report_hourly ADD COLUMN fr_bsum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bsum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN csat_n BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN csat_sat BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN ces_n BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN ces_sum BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh00 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh01 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh02 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh03 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh04 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh05 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh06 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh07 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh08 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh09 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh10 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh11 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh12 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh13 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh14 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh15 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh16 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh17 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh18 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh19 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh20 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh21 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh22 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh23 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh24 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh25 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh26 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh27 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh28 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh29 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh30 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN fr_bh31 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh00 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh01 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh02 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh03 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh04 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh05 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh06 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh07 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh08 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh09 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh10 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh11 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh12 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh13 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh14 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh15 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh16 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh17 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh18 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh19 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh20 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh21 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh22 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh23 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh24 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh25 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh26 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh27 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh28 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh29 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh30 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_hourly ADD COLUMN res_bh31 BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_facts ADD COLUMN fr_bseconds BIGINT;
ALTER TABLE report_facts ADD COLUMN res_bseconds BIGINT;

CREATE TABLE report_survey_facts (
    survey_id     BIGINT PRIMARY KEY,
    ticket_id     BIGINT NOT NULL,
    answered_hour BIGINT NOT NULL,
    team_key      TEXT   NOT NULL,
    agent_key     TEXT   NOT NULL,
    channel       TEXT   NOT NULL,
    tags          TEXT   NOT NULL, -- newline-separated, sorted
    csat          BIGINT,
    ces           BIGINT
);
CREATE INDEX report_survey_facts_ticket ON report_survey_facts (ticket_id);
CREATE INDEX report_survey_facts_hour ON report_survey_facts (answered_hour);

CREATE TABLE report_sla_hourly (
    metric  TEXT   NOT NULL,
    dim     TEXT   NOT NULL, -- 'all', 'team' or 'channel'
    hour    BIGINT NOT NULL, -- the deadline's hour since 1970-01-01T00:00Z
    dim_key TEXT   NOT NULL,
    met     BIGINT NOT NULL DEFAULT 0,
    missed  BIGINT NOT NULL DEFAULT 0,
    open    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, dim, hour, dim_key)
);

CREATE TABLE report_sla_facts (
    clock_id  BIGINT PRIMARY KEY,
    ticket_id BIGINT NOT NULL,
    metric    TEXT   NOT NULL,
    due_hour  BIGINT NOT NULL,
    due_ms    BIGINT NOT NULL,
    team_key  TEXT   NOT NULL,
    channel   TEXT   NOT NULL,
    outcome   TEXT   NOT NULL CHECK (outcome IN ('met', 'missed', 'open'))
);
CREATE INDEX report_sla_facts_due ON report_sla_facts (metric, due_hour);
CREATE INDEX report_sla_facts_ticket ON report_sla_facts (ticket_id);

DELETE FROM report_hourly;
DELETE FROM report_facts;
UPDATE report_state SET built = 0 WHERE id = 1;

-- +goose Down
DROP TABLE report_sla_facts;
DROP TABLE report_sla_hourly;
DROP TABLE report_survey_facts;
ALTER TABLE report_facts DROP COLUMN res_bseconds;
ALTER TABLE report_facts DROP COLUMN fr_bseconds;
ALTER TABLE report_hourly DROP COLUMN res_bh31;
ALTER TABLE report_hourly DROP COLUMN res_bh30;
ALTER TABLE report_hourly DROP COLUMN res_bh29;
ALTER TABLE report_hourly DROP COLUMN res_bh28;
ALTER TABLE report_hourly DROP COLUMN res_bh27;
ALTER TABLE report_hourly DROP COLUMN res_bh26;
ALTER TABLE report_hourly DROP COLUMN res_bh25;
ALTER TABLE report_hourly DROP COLUMN res_bh24;
ALTER TABLE report_hourly DROP COLUMN res_bh23;
ALTER TABLE report_hourly DROP COLUMN res_bh22;
ALTER TABLE report_hourly DROP COLUMN res_bh21;
ALTER TABLE report_hourly DROP COLUMN res_bh20;
ALTER TABLE report_hourly DROP COLUMN res_bh19;
ALTER TABLE report_hourly DROP COLUMN res_bh18;
ALTER TABLE report_hourly DROP COLUMN res_bh17;
ALTER TABLE report_hourly DROP COLUMN res_bh16;
ALTER TABLE report_hourly DROP COLUMN res_bh15;
ALTER TABLE report_hourly DROP COLUMN res_bh14;
ALTER TABLE report_hourly DROP COLUMN res_bh13;
ALTER TABLE report_hourly DROP COLUMN res_bh12;
ALTER TABLE report_hourly DROP COLUMN res_bh11;
ALTER TABLE report_hourly DROP COLUMN res_bh10;
ALTER TABLE report_hourly DROP COLUMN res_bh09;
ALTER TABLE report_hourly DROP COLUMN res_bh08;
ALTER TABLE report_hourly DROP COLUMN res_bh07;
ALTER TABLE report_hourly DROP COLUMN res_bh06;
ALTER TABLE report_hourly DROP COLUMN res_bh05;
ALTER TABLE report_hourly DROP COLUMN res_bh04;
ALTER TABLE report_hourly DROP COLUMN res_bh03;
ALTER TABLE report_hourly DROP COLUMN res_bh02;
ALTER TABLE report_hourly DROP COLUMN res_bh01;
ALTER TABLE report_hourly DROP COLUMN res_bh00;
ALTER TABLE report_hourly DROP COLUMN fr_bh31;
ALTER TABLE report_hourly DROP COLUMN fr_bh30;
ALTER TABLE report_hourly DROP COLUMN fr_bh29;
ALTER TABLE report_hourly DROP COLUMN fr_bh28;
ALTER TABLE report_hourly DROP COLUMN fr_bh27;
ALTER TABLE report_hourly DROP COLUMN fr_bh26;
ALTER TABLE report_hourly DROP COLUMN fr_bh25;
ALTER TABLE report_hourly DROP COLUMN fr_bh24;
ALTER TABLE report_hourly DROP COLUMN fr_bh23;
ALTER TABLE report_hourly DROP COLUMN fr_bh22;
ALTER TABLE report_hourly DROP COLUMN fr_bh21;
ALTER TABLE report_hourly DROP COLUMN fr_bh20;
ALTER TABLE report_hourly DROP COLUMN fr_bh19;
ALTER TABLE report_hourly DROP COLUMN fr_bh18;
ALTER TABLE report_hourly DROP COLUMN fr_bh17;
ALTER TABLE report_hourly DROP COLUMN fr_bh16;
ALTER TABLE report_hourly DROP COLUMN fr_bh15;
ALTER TABLE report_hourly DROP COLUMN fr_bh14;
ALTER TABLE report_hourly DROP COLUMN fr_bh13;
ALTER TABLE report_hourly DROP COLUMN fr_bh12;
ALTER TABLE report_hourly DROP COLUMN fr_bh11;
ALTER TABLE report_hourly DROP COLUMN fr_bh10;
ALTER TABLE report_hourly DROP COLUMN fr_bh09;
ALTER TABLE report_hourly DROP COLUMN fr_bh08;
ALTER TABLE report_hourly DROP COLUMN fr_bh07;
ALTER TABLE report_hourly DROP COLUMN fr_bh06;
ALTER TABLE report_hourly DROP COLUMN fr_bh05;
ALTER TABLE report_hourly DROP COLUMN fr_bh04;
ALTER TABLE report_hourly DROP COLUMN fr_bh03;
ALTER TABLE report_hourly DROP COLUMN fr_bh02;
ALTER TABLE report_hourly DROP COLUMN fr_bh01;
ALTER TABLE report_hourly DROP COLUMN fr_bh00;
ALTER TABLE report_hourly DROP COLUMN ces_sum;
ALTER TABLE report_hourly DROP COLUMN ces_n;
ALTER TABLE report_hourly DROP COLUMN csat_sat;
ALTER TABLE report_hourly DROP COLUMN csat_n;
ALTER TABLE report_hourly DROP COLUMN res_bsum;
ALTER TABLE report_hourly DROP COLUMN fr_bsum;
DELETE FROM report_hourly;
DELETE FROM report_facts;
UPDATE report_state SET built = 0 WHERE id = 1;
