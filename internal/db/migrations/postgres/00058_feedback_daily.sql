-- The feedback summary over a year read every survey of it (60,000 at
-- 100,000 tickets; issue 16 asks p99 <= 50 ms). feedback_daily keeps the
-- summary's sums per UTC day and per UTC month of sent_at, and per group:
-- 'all' (the desk, also the day grouping), 'team' (team id, '0' for
-- none), 'channel' and 'agent' (each agent the survey is attributed to),
-- so a summary reads its whole months and days x groups (a year by agent:
-- about 12 x 12 rows plus the days at its ends) and only the surveys of
-- the partial days at its ends.
--
-- The database keeps it, in the statement that changes a survey or its
-- attribution: nothing is lost or counted twice on a retry, and every
-- path that writes surveys (answers, sends, a customer's erasure, a team's
-- deletion, seeders) keeps it exact. The rules are the summary's
-- (internal/feedback/summary.go): a survey counts once it has sent_at;
-- csat_good is CSAT 4 or 5, ces_easy is CES 5 to 7. A change takes the
-- old row's share away and adds the new one's. Rows are upserted in one
-- order (the desk's first), so two answers at once wait, never deadlock.

-- +goose Up
CREATE TABLE feedback_daily (
    dim       TEXT    NOT NULL CHECK (dim IN ('all', 'team', 'channel', 'agent')),
    dim_key   TEXT    NOT NULL,
    span      TEXT    NOT NULL CHECK (span IN ('day', 'month')),
    period    TEXT    NOT NULL, -- YYYY-MM-DD (a day) or YYYY-MM (a month), UTC, of the surveys' sent_at
    sent      INTEGER NOT NULL DEFAULT 0,
    answered  INTEGER NOT NULL DEFAULT 0,
    csat_n    INTEGER NOT NULL DEFAULT 0,
    csat_good INTEGER NOT NULL DEFAULT 0,
    csat_sum  INTEGER NOT NULL DEFAULT 0,
    ces_n     INTEGER NOT NULL DEFAULT 0,
    ces_easy  INTEGER NOT NULL DEFAULT 0,
    ces_sum   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (dim, span, period, dim_key) -- a summary reads one dim's days or months
);

INSERT INTO feedback_daily (dim, dim_key, span, period, sent, answered, csat_n, csat_good, csat_sum, ces_n, ces_easy, ces_sum)
SELECT g.dim, g.k, p.span, to_char(s.sent_at AT TIME ZONE 'UTC', p.fmt), COUNT(*), COUNT(s.answered_at), COUNT(s.csat),
       SUM(CASE WHEN s.csat >= 4 THEN 1 ELSE 0 END), COALESCE(SUM(s.csat), 0),
       COUNT(s.ces), SUM(CASE WHEN s.ces >= 5 THEN 1 ELSE 0 END), COALESCE(SUM(s.ces), 0)
FROM feedback_surveys s
JOIN (SELECT id AS survey_id, 'all' AS dim, 'all' AS k FROM feedback_surveys
      UNION ALL SELECT id, 'team', COALESCE(team_id, 0)::text FROM feedback_surveys
      UNION ALL SELECT id, 'channel', channel FROM feedback_surveys
      UNION ALL SELECT survey_id, 'agent', user_id::text FROM feedback_survey_agents) g ON g.survey_id = s.id
CROSS JOIN (SELECT 'day' AS span, 'YYYY-MM-DD' AS fmt UNION ALL SELECT 'month', 'YYYY-MM') p
WHERE s.sent_at IS NOT NULL
GROUP BY g.dim, g.k, p.span, p.fmt, to_char(s.sent_at AT TIME ZONE 'UTC', p.fmt);

-- feedback_daily_add adds sign times survey s's share to its day's rows:
-- the desk, its team, its channel, and its agents (only, when agent is
-- given: that one agent).
-- +goose StatementBegin
CREATE FUNCTION feedback_daily_add(s feedback_surveys, sign integer, agent bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF s.sent_at IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO feedback_daily AS d (dim, dim_key, span, period, sent, answered, csat_n, csat_good, csat_sum, ces_n, ces_easy, ces_sum)
    SELECT g.dim, g.k, p.span, to_char(s.sent_at AT TIME ZONE 'UTC', p.fmt), sign,
           sign * (s.answered_at IS NOT NULL)::int, sign * (s.csat IS NOT NULL)::int,
           sign * COALESCE((s.csat >= 4)::int, 0), sign * COALESCE(s.csat, 0),
           sign * (s.ces IS NOT NULL)::int, sign * COALESCE((s.ces >= 5)::int, 0), sign * COALESCE(s.ces, 0)
    FROM (SELECT 1 AS o, 'all' AS dim, 'all' AS k WHERE agent IS NULL
          UNION ALL SELECT 2, 'team', COALESCE(s.team_id, 0)::text WHERE agent IS NULL
          UNION ALL SELECT 3, 'channel', s.channel WHERE agent IS NULL
          UNION ALL SELECT 4, 'agent', a.user_id::text FROM feedback_survey_agents a
              WHERE a.survey_id = s.id AND agent IS NULL
          UNION ALL SELECT 4, 'agent', agent::text WHERE agent IS NOT NULL) g,
         (SELECT 'day' AS span, 'YYYY-MM-DD' AS fmt UNION ALL SELECT 'month', 'YYYY-MM') p
    ORDER BY g.o, g.k, p.span
    ON CONFLICT (dim, span, period, dim_key) DO UPDATE SET sent = d.sent + excluded.sent, answered = d.answered + excluded.answered,
        csat_n = d.csat_n + excluded.csat_n, csat_good = d.csat_good + excluded.csat_good, csat_sum = d.csat_sum + excluded.csat_sum,
        ces_n = d.ces_n + excluded.ces_n, ces_easy = d.ces_easy + excluded.ces_easy, ces_sum = d.ces_sum + excluded.ces_sum;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION feedback_daily_survey() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM feedback_daily_add(OLD, -1, NULL);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM feedback_daily_add(NEW, 1, NULL);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION feedback_daily_agent() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    s feedback_surveys;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT * INTO s FROM feedback_surveys WHERE id = NEW.survey_id;
        IF FOUND THEN
            PERFORM feedback_daily_add(s, 1, NEW.user_id);
        END IF;
    ELSE
        SELECT * INTO s FROM feedback_surveys WHERE id = OLD.survey_id;
        IF FOUND THEN
            PERFORM feedback_daily_add(s, -1, OLD.user_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER feedback_daily_survey_insert AFTER INSERT ON feedback_surveys
    FOR EACH ROW WHEN (NEW.sent_at IS NOT NULL) EXECUTE FUNCTION feedback_daily_survey();
-- Most updates of a survey (status, recovery, comment) leave the figures
-- alone; they cost nothing here.
CREATE TRIGGER feedback_daily_survey_update AFTER UPDATE OF sent_at, answered_at, csat, ces, team_id, channel ON feedback_surveys
    FOR EACH ROW WHEN (OLD.sent_at IS DISTINCT FROM NEW.sent_at OR OLD.answered_at IS DISTINCT FROM NEW.answered_at
        OR OLD.csat IS DISTINCT FROM NEW.csat OR OLD.ces IS DISTINCT FROM NEW.ces
        OR OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.channel IS DISTINCT FROM NEW.channel)
    EXECUTE FUNCTION feedback_daily_survey();
-- Before the row goes, while its agents are still there; their own
-- cascaded deletion then finds no survey and takes nothing more.
CREATE TRIGGER feedback_daily_survey_delete BEFORE DELETE ON feedback_surveys
    FOR EACH ROW WHEN (OLD.sent_at IS NOT NULL) EXECUTE FUNCTION feedback_daily_survey();
CREATE TRIGGER feedback_daily_agent_change AFTER INSERT OR DELETE ON feedback_survey_agents
    FOR EACH ROW EXECUTE FUNCTION feedback_daily_agent();

-- +goose Down
DROP TRIGGER feedback_daily_agent_change ON feedback_survey_agents;
DROP TRIGGER feedback_daily_survey_delete ON feedback_surveys;
DROP TRIGGER feedback_daily_survey_update ON feedback_surveys;
DROP TRIGGER feedback_daily_survey_insert ON feedback_surveys;
DROP FUNCTION feedback_daily_agent();
DROP FUNCTION feedback_daily_survey();
DROP FUNCTION feedback_daily_add(feedback_surveys, integer, bigint);
DROP TABLE feedback_daily;
