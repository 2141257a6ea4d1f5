-- Indexes for the staffing plan (internal/staffing, read through
-- internal/report): the length of a channel's recent live contacts, from
-- the tickets it solved lately, and the unsolved tickets of one channel,
-- without reading every ticket's facts or every channel's hours.

-- +goose Up
CREATE INDEX report_facts_channel_solved ON report_facts (channel, solved_hour, res_seconds) WHERE solved_hour IS NOT NULL;
CREATE INDEX report_hourly_open_key ON report_hourly (dim, dim_key, hour) WHERE open_now <> 0;

-- +goose Down
DROP INDEX report_hourly_open_key;
DROP INDEX report_facts_channel_solved;
