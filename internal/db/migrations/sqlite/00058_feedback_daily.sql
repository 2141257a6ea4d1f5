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
-- old row's share away and adds the new one's.

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
) WITHOUT ROWID;

INSERT INTO feedback_daily (dim, dim_key, span, period, sent, answered, csat_n, csat_good, csat_sum, ces_n, ces_easy, ces_sum)
SELECT g.dim, g.k, p.span, substr(s.sent_at, 1, p.len), COUNT(*), COUNT(s.answered_at), COUNT(s.csat),
       SUM(CASE WHEN s.csat >= 4 THEN 1 ELSE 0 END), COALESCE(SUM(s.csat), 0),
       COUNT(s.ces), SUM(CASE WHEN s.ces >= 5 THEN 1 ELSE 0 END), COALESCE(SUM(s.ces), 0)
FROM feedback_surveys s
JOIN (SELECT id AS survey_id, 'all' AS dim, 'all' AS k FROM feedback_surveys
      UNION ALL SELECT id, 'team', CAST(COALESCE(team_id, 0) AS TEXT) FROM feedback_surveys
      UNION ALL SELECT id, 'channel', channel FROM feedback_surveys
      UNION ALL SELECT survey_id, 'agent', CAST(user_id AS TEXT) FROM feedback_survey_agents) g ON g.survey_id = s.id
CROSS JOIN (SELECT 'day' AS span, 10 AS len UNION ALL SELECT 'month', 7) p
WHERE s.sent_at IS NOT NULL
GROUP BY g.dim, g.k, p.span, substr(s.sent_at, 1, p.len);

-- A survey's share, added (new) or taken away (old), for the desk, its
-- team, its channel and each of its agents.
-- +goose StatementBegin
CREATE TRIGGER feedback_daily_survey_insert AFTER INSERT ON feedback_surveys
WHEN new.sent_at IS NOT NULL BEGIN
    INSERT INTO feedback_daily (dim, dim_key, span, period, sent, answered, csat_n, csat_good, csat_sum, ces_n, ces_easy, ces_sum)
    SELECT g.dim, g.k, p.span, substr(new.sent_at, 1, p.len), 1, new.answered_at IS NOT NULL, new.csat IS NOT NULL,
           COALESCE(new.csat >= 4, 0), COALESCE(new.csat, 0), new.ces IS NOT NULL, COALESCE(new.ces >= 5, 0), COALESCE(new.ces, 0)
    FROM (SELECT 'all' AS dim, 'all' AS k UNION ALL SELECT 'team', CAST(COALESCE(new.team_id, 0) AS TEXT)
          UNION ALL SELECT 'channel', new.channel
          UNION ALL SELECT 'agent', CAST(user_id AS TEXT) FROM feedback_survey_agents WHERE survey_id = new.id) g,
         (SELECT 'day' AS span, 10 AS len UNION ALL SELECT 'month', 7) p
    WHERE true
    ON CONFLICT (dim, span, period, dim_key) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered,
        csat_n = csat_n + excluded.csat_n, csat_good = csat_good + excluded.csat_good, csat_sum = csat_sum + excluded.csat_sum,
        ces_n = ces_n + excluded.ces_n, ces_easy = ces_easy + excluded.ces_easy, ces_sum = ces_sum + excluded.ces_sum;
END;
-- +goose StatementEnd

-- Most updates of a survey (status, recovery, comment) leave the figures
-- alone; they cost nothing here.
-- +goose StatementBegin
CREATE TRIGGER feedback_daily_survey_update AFTER UPDATE OF sent_at, answered_at, csat, ces, team_id, channel ON feedback_surveys
WHEN old.sent_at IS NOT new.sent_at OR old.answered_at IS NOT new.answered_at OR old.csat IS NOT new.csat
  OR old.ces IS NOT new.ces OR old.team_id IS NOT new.team_id OR old.channel IS NOT new.channel BEGIN
    INSERT INTO feedback_daily (dim, dim_key, span, period, sent, answered, csat_n, csat_good, csat_sum, ces_n, ces_easy, ces_sum)
    SELECT g.dim, g.k, p.span, substr(old.sent_at, 1, p.len), -1, -(old.answered_at IS NOT NULL), -(old.csat IS NOT NULL),
           -COALESCE(old.csat >= 4, 0), -COALESCE(old.csat, 0), -(old.ces IS NOT NULL), -COALESCE(old.ces >= 5, 0), -COALESCE(old.ces, 0)
    FROM (SELECT 'all' AS dim, 'all' AS k UNION ALL SELECT 'team', CAST(COALESCE(old.team_id, 0) AS TEXT)
          UNION ALL SELECT 'channel', old.channel
          UNION ALL SELECT 'agent', CAST(user_id AS TEXT) FROM feedback_survey_agents WHERE survey_id = old.id) g,
         (SELECT 'day' AS span, 10 AS len UNION ALL SELECT 'month', 7) p
    WHERE old.sent_at IS NOT NULL
    ON CONFLICT (dim, span, period, dim_key) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered,
        csat_n = csat_n + excluded.csat_n, csat_good = csat_good + excluded.csat_good, csat_sum = csat_sum + excluded.csat_sum,
        ces_n = ces_n + excluded.ces_n, ces_easy = ces_easy + excluded.ces_easy, ces_sum = ces_sum + excluded.ces_sum;
    INSERT INTO feedback_daily (dim, dim_key, span, period, sent, answered, csat_n, csat_good, csat_sum, ces_n, ces_easy, ces_sum)
    SELECT g.dim, g.k, p.span, substr(new.sent_at, 1, p.len), 1, new.answered_at IS NOT NULL, new.csat IS NOT NULL,
           COALESCE(new.csat >= 4, 0), COALESCE(new.csat, 0), new.ces IS NOT NULL, COALESCE(new.ces >= 5, 0), COALESCE(new.ces, 0)
    FROM (SELECT 'all' AS dim, 'all' AS k UNION ALL SELECT 'team', CAST(COALESCE(new.team_id, 0) AS TEXT)
          UNION ALL SELECT 'channel', new.channel
          UNION ALL SELECT 'agent', CAST(user_id AS TEXT) FROM feedback_survey_agents WHERE survey_id = new.id) g,
         (SELECT 'day' AS span, 10 AS len UNION ALL SELECT 'month', 7) p
    WHERE new.sent_at IS NOT NULL
    ON CONFLICT (dim, span, period, dim_key) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered,
        csat_n = csat_n + excluded.csat_n, csat_good = csat_good + excluded.csat_good, csat_sum = csat_sum + excluded.csat_sum,
        ces_n = ces_n + excluded.ces_n, ces_easy = ces_easy + excluded.ces_easy, ces_sum = ces_sum + excluded.ces_sum;
END;
-- +goose StatementEnd

-- Before the row goes, while its agents are still there; their own
-- cascaded deletion then finds no survey and takes nothing more.
-- +goose StatementBegin
CREATE TRIGGER feedback_daily_survey_delete BEFORE DELETE ON feedback_surveys
WHEN old.sent_at IS NOT NULL BEGIN
    INSERT INTO feedback_daily (dim, dim_key, span, period, sent, answered, csat_n, csat_good, csat_sum, ces_n, ces_easy, ces_sum)
    SELECT g.dim, g.k, p.span, substr(old.sent_at, 1, p.len), -1, -(old.answered_at IS NOT NULL), -(old.csat IS NOT NULL),
           -COALESCE(old.csat >= 4, 0), -COALESCE(old.csat, 0), -(old.ces IS NOT NULL), -COALESCE(old.ces >= 5, 0), -COALESCE(old.ces, 0)
    FROM (SELECT 'all' AS dim, 'all' AS k UNION ALL SELECT 'team', CAST(COALESCE(old.team_id, 0) AS TEXT)
          UNION ALL SELECT 'channel', old.channel
          UNION ALL SELECT 'agent', CAST(user_id AS TEXT) FROM feedback_survey_agents WHERE survey_id = old.id) g,
         (SELECT 'day' AS span, 10 AS len UNION ALL SELECT 'month', 7) p
    WHERE true
    ON CONFLICT (dim, span, period, dim_key) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered,
        csat_n = csat_n + excluded.csat_n, csat_good = csat_good + excluded.csat_good, csat_sum = csat_sum + excluded.csat_sum,
        ces_n = ces_n + excluded.ces_n, ces_easy = ces_easy + excluded.ces_easy, ces_sum = ces_sum + excluded.ces_sum;
END;
-- +goose StatementEnd

-- An agent attributed to (or taken from) a survey already sent.
-- +goose StatementBegin
CREATE TRIGGER feedback_daily_agent_insert AFTER INSERT ON feedback_survey_agents BEGIN
    INSERT INTO feedback_daily (dim, dim_key, span, period, sent, answered, csat_n, csat_good, csat_sum, ces_n, ces_easy, ces_sum)
    SELECT 'agent', CAST(new.user_id AS TEXT), p.span, substr(s.sent_at, 1, p.len), 1, s.answered_at IS NOT NULL, s.csat IS NOT NULL,
           COALESCE(s.csat >= 4, 0), COALESCE(s.csat, 0), s.ces IS NOT NULL, COALESCE(s.ces >= 5, 0), COALESCE(s.ces, 0)
    FROM feedback_surveys s, (SELECT 'day' AS span, 10 AS len UNION ALL SELECT 'month', 7) p WHERE s.id = new.survey_id AND s.sent_at IS NOT NULL
    ON CONFLICT (dim, span, period, dim_key) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered,
        csat_n = csat_n + excluded.csat_n, csat_good = csat_good + excluded.csat_good, csat_sum = csat_sum + excluded.csat_sum,
        ces_n = ces_n + excluded.ces_n, ces_easy = ces_easy + excluded.ces_easy, ces_sum = ces_sum + excluded.ces_sum;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER feedback_daily_agent_delete AFTER DELETE ON feedback_survey_agents BEGIN
    INSERT INTO feedback_daily (dim, dim_key, span, period, sent, answered, csat_n, csat_good, csat_sum, ces_n, ces_easy, ces_sum)
    SELECT 'agent', CAST(old.user_id AS TEXT), p.span, substr(s.sent_at, 1, p.len), -1, -(s.answered_at IS NOT NULL), -(s.csat IS NOT NULL),
           -COALESCE(s.csat >= 4, 0), -COALESCE(s.csat, 0), -(s.ces IS NOT NULL), -COALESCE(s.ces >= 5, 0), -COALESCE(s.ces, 0)
    FROM feedback_surveys s, (SELECT 'day' AS span, 10 AS len UNION ALL SELECT 'month', 7) p WHERE s.id = old.survey_id AND s.sent_at IS NOT NULL
    ON CONFLICT (dim, span, period, dim_key) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered,
        csat_n = csat_n + excluded.csat_n, csat_good = csat_good + excluded.csat_good, csat_sum = csat_sum + excluded.csat_sum,
        ces_n = ces_n + excluded.ces_n, ces_easy = ces_easy + excluded.ces_easy, ces_sum = ces_sum + excluded.ces_sum;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER feedback_daily_agent_delete;
DROP TRIGGER feedback_daily_agent_insert;
DROP TRIGGER feedback_daily_survey_delete;
DROP TRIGGER feedback_daily_survey_update;
DROP TRIGGER feedback_daily_survey_insert;
DROP TABLE feedback_daily;
