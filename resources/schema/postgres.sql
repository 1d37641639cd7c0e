-- The campaign store's schema on PostgreSQL (13 or newer): exactly the Go
-- ad-campaign-service's tables, so adserve runs on an existing database of that service,
-- plus adserve's own tables beside them. Every statement is idempotent (it runs on every
-- open, in one transaction, under an advisory lock) and leaves existing tables and data as
-- they are: it only adds missing tables, indexes and triggers.

CREATE TABLE IF NOT EXISTS campaigns (
    id BIGSERIAL PRIMARY KEY,
    code TEXT UNIQUE NOT NULL,
    name TEXT,
    image TEXT,
    cta TEXT,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ,
    deleted BOOLEAN NOT NULL DEFAULT false,
    deleted_at TIMESTAMPTZ
);

-- Priority, flight and day-parting: nullable columns the Go service neither reads nor writes
-- (NULL: priority 0, no bound, every hour). serving_hours holds 7 groups of 24 digits,
-- Monday first, "1" for an hour served; time_zone is an IANA id.
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS priority INTEGER;
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS flight_start TIMESTAMPTZ;
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS flight_end TIMESTAMPTZ;
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS serving_hours TEXT;
ALTER TABLE campaigns ADD COLUMN IF NOT EXISTS time_zone TEXT;

CREATE TABLE IF NOT EXISTS target_rules (
    id BIGSERIAL PRIMARY KEY,
    code TEXT,
    campaign_id BIGINT REFERENCES campaigns(id),
    dimension TEXT NOT NULL,
    rule_type TEXT NOT NULL,
    "values" TEXT[] NOT NULL,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ,
    deleted BOOLEAN NOT NULL DEFAULT false,
    deleted_at TIMESTAMPTZ
);

-- Rules are read per campaign: index campaign_id unless some index already leads with it.
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = 'target_rules'::regclass AND a.attname = 'campaign_id') THEN
        CREATE INDEX idx_target_rules_campaign_id ON target_rules (campaign_id);
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS adserve_meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

-- The change log: every change to campaigns or target_rules, whoever makes it (adserve,
-- psql, the Go service), one row per row changed, written by the triggers below in the
-- writing transaction. `txn` is the writing transaction, so a reader can tell a change that
-- is not committed yet from one that never will be (ids are taken before commit, and a
-- concurrent writer's id can become visible after a higher one: see ChangeFeed). The
-- sequence must hand out ids in order (its default CACHE 1).
CREATE TABLE IF NOT EXISTS adserve_changes (
    id BIGSERIAL PRIMARY KEY,
    txn BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    actor TEXT NOT NULL,
    note TEXT,
    campaign_id BIGINT,
    entity TEXT NOT NULL,   -- campaign | rule
    op TEXT NOT NULL,       -- insert | update | delete | truncate
    row_id BIGINT,
    before JSONB,
    after JSONB
);
CREATE INDEX IF NOT EXISTS adserve_changes_campaign ON adserve_changes (campaign_id, id);
CREATE INDEX IF NOT EXISTS adserve_changes_txn ON adserve_changes (txn);
CREATE INDEX IF NOT EXISTS adserve_changes_truncate ON adserve_changes (id) WHERE op = 'truncate';
-- Readers rely on ids being handed out in order: no session may cache a range of them.
ALTER SEQUENCE adserve_changes_id_seq CACHE 1;

-- Statement-level, so a bulk load logs its rows in one INSERT ... SELECT. Who: adserve sets
-- adserve.actor (and adserve.note) for its own transactions; anyone else is the database
-- session user. The newest id goes into adserve.change_id for the writer to report, and
-- NOTIFY adserve_changes wakes every instance (one notification per transaction).
CREATE OR REPLACE FUNCTION adserve_log_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_actor TEXT := COALESCE(NULLIF(current_setting('adserve.actor', true), ''), session_user);
    v_note TEXT := NULLIF(current_setting('adserve.note', true), '');
    v_entity TEXT := CASE TG_TABLE_NAME WHEN 'campaigns' THEN 'campaign' ELSE 'rule' END;
    v_owner TEXT := CASE TG_TABLE_NAME WHEN 'campaigns' THEN 'id' ELSE 'campaign_id' END;
    v_newest BIGINT;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO adserve_changes (actor, note, entity, op) VALUES (v_actor, v_note, v_entity, 'truncate')
        RETURNING id INTO v_newest;
    ELSIF TG_OP = 'INSERT' THEN
        WITH logged AS (
            INSERT INTO adserve_changes (actor, note, campaign_id, entity, op, row_id, after)
            SELECT v_actor, v_note, (r.j ->> v_owner)::bigint, v_entity, 'insert', (r.j ->> 'id')::bigint, r.j
            FROM (SELECT to_jsonb(n) AS j FROM adserve_new_rows n) r
            ORDER BY (r.j ->> 'id')::bigint
            RETURNING id)
        SELECT max(id) INTO v_newest FROM logged;
    ELSIF TG_OP = 'DELETE' THEN
        WITH logged AS (
            INSERT INTO adserve_changes (actor, note, campaign_id, entity, op, row_id, before)
            SELECT v_actor, v_note, (r.j ->> v_owner)::bigint, v_entity, 'delete', (r.j ->> 'id')::bigint, r.j
            FROM (SELECT to_jsonb(o) AS j FROM adserve_old_rows o) r
            ORDER BY (r.j ->> 'id')::bigint
            RETURNING id)
        SELECT max(id) INTO v_newest FROM logged;
    ELSE
        -- A rule moved to another campaign is a change of both campaigns.
        WITH pairs AS (
            SELECT o.j AS before, n.j AS after
            FROM (SELECT to_jsonb(x) AS j FROM adserve_old_rows x) o
            FULL JOIN (SELECT to_jsonb(x) AS j FROM adserve_new_rows x) n ON (o.j ->> 'id') = (n.j ->> 'id')),
        owned AS (
            SELECT before, after, (COALESCE(after, before) ->> v_owner)::bigint AS campaign_id FROM pairs
            UNION ALL
            SELECT before, after, (before ->> v_owner)::bigint FROM pairs
            WHERE after IS NOT NULL AND before IS NOT NULL AND (before ->> v_owner) IS DISTINCT FROM (after ->> v_owner)),
        logged AS (
            INSERT INTO adserve_changes (actor, note, campaign_id, entity, op, row_id, before, after)
            SELECT v_actor, v_note, campaign_id, v_entity, 'update', (COALESCE(after, before) ->> 'id')::bigint, before, after
            FROM owned
            ORDER BY (COALESCE(after, before) ->> 'id')::bigint
            RETURNING id)
        SELECT max(id) INTO v_newest FROM logged;
    END IF;
    IF v_newest IS NOT NULL THEN
        PERFORM set_config('adserve.change_id', v_newest::text, true);
        PERFORM pg_notify('adserve_changes', '');
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t TEXT;
    -- Per event: the trigger's name suffix and the transition tables the function reads.
    events TEXT[] := ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'];
    suffixes TEXT[] := ARRAY['inserted', 'updated', 'deleted', 'truncated'];
    transitions TEXT[] := ARRAY['REFERENCING NEW TABLE AS adserve_new_rows',
                                'REFERENCING OLD TABLE AS adserve_old_rows NEW TABLE AS adserve_new_rows',
                                'REFERENCING OLD TABLE AS adserve_old_rows',
                                ''];
BEGIN
    FOREACH t IN ARRAY ARRAY['campaigns', 'target_rules'] LOOP
        FOR i IN 1 .. cardinality(events) LOOP
            -- Earlier versions only announced changes (NOTIFY, no log).
            EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', 'adserve_' || t || '_' || suffixes[i], t);
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = t::regclass AND tgname = 'adserve_' || t || '_log_' || suffixes[i]) THEN
                EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I %s '
                               'FOR EACH STATEMENT EXECUTE PROCEDURE adserve_log_change()',
                               'adserve_' || t || '_log_' || suffixes[i], events[i], t, transitions[i]);
            END IF;
        END LOOP;
    END LOOP;
END
$$;
DROP FUNCTION IF EXISTS adserve_notify_campaign_changes();

-- Every running instance (server or studio) over this store, kept fresh by its heartbeat:
-- anyone can see whether a change is live everywhere (applied_change_id >= the change).
CREATE TABLE IF NOT EXISTS adserve_instances (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,           -- server | studio
    host TEXT NOT NULL,
    pid BIGINT NOT NULL,
    address TEXT,                 -- the URL it serves on, if it serves
    version TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    heartbeat_at TIMESTAMPTZ NOT NULL,
    applied_change_id BIGINT,     -- every change up to this one is applied (NULL: starting)
    applied_at TIMESTAMPTZ,
    behind_changes BIGINT NOT NULL DEFAULT 0,
    behind_since TIMESTAMPTZ,     -- the oldest change it has not applied yet
    problem TEXT
);

-- Delivery requests per UTC hour and normalised (country, os, app), for reach forecasts.
-- Every instance adds what it counted (INSERT ... ON CONFLICT DO UPDATE SET requests =
-- requests + excluded.requests), so the table holds the sum. adserve's own table, prefixed
-- like the others so it never meets a table of another service; not in the change log (it
-- is not targeting). The key leads with the hour: reads and retention are ranges of hours.
CREATE TABLE IF NOT EXISTS adserve_traffic (
    hour_start BIGINT NOT NULL,   -- seconds since the epoch, a multiple of 3600 (UTC)
    country TEXT NOT NULL,        -- normalised (trimmed, case-folded); OTHER: the folded long tail
    os TEXT NOT NULL,
    app TEXT NOT NULL,
    requests BIGINT NOT NULL CHECK (requests >= 0),
    PRIMARY KEY (hour_start, country, os, app)
);

-- The flushes adserve_traffic has taken, by id: a flush retried after a commit whose answer
-- was lost is not added twice. Kept as long as the traffic.
CREATE TABLE IF NOT EXISTS adserve_traffic_batches (
    id TEXT PRIMARY KEY,          -- instance id / flush number
    stored_at BIGINT NOT NULL         -- seconds since the epoch
);
