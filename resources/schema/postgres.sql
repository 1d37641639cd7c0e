-- The campaign store's schema on PostgreSQL: exactly the Go ad-campaign-service's tables,
-- so adserve runs on an existing database of that service. Every statement is idempotent
-- (it runs on every open, in one transaction, under an advisory lock) and leaves existing
-- tables and data as they are: it only adds missing tables, indexes and triggers.

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

-- Every change to a campaign or its rules, by anyone, is announced on the channel
-- 'adserve_campaign_changes' with the campaign id as payload, so every adserve instance
-- drops its cached copy and recompiles its match index. Statement-level triggers keep
-- bulk loads cheap: past 100 campaigns in one statement the payload is '' ("all").
CREATE OR REPLACE FUNCTION adserve_notify_campaign_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed BIGINT[];
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('adserve_campaign_changes', '');
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'campaigns' THEN
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT id) INTO changed FROM adserve_new_rows;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(DISTINCT id) INTO changed FROM adserve_old_rows;
        ELSE
            SELECT array_agg(DISTINCT x) INTO changed FROM (
                SELECT id AS x FROM adserve_new_rows UNION SELECT id FROM adserve_old_rows) AS touched;
        END IF;
    ELSE
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(DISTINCT campaign_id) INTO changed FROM adserve_new_rows WHERE campaign_id IS NOT NULL;
        ELSIF TG_OP = 'DELETE' THEN
            SELECT array_agg(DISTINCT campaign_id) INTO changed FROM adserve_old_rows WHERE campaign_id IS NOT NULL;
        ELSE
            SELECT array_agg(DISTINCT x) INTO changed FROM (
                SELECT campaign_id AS x FROM adserve_new_rows UNION SELECT campaign_id FROM adserve_old_rows) AS touched
            WHERE x IS NOT NULL;
        END IF;
    END IF;
    IF changed IS NULL THEN
        RETURN NULL;
    END IF;
    IF cardinality(changed) > 100 THEN
        PERFORM pg_notify('adserve_campaign_changes', '');
    ELSE
        PERFORM pg_notify('adserve_campaign_changes', c::text) FROM unnest(changed) AS c;
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
            IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = t::regclass AND tgname = 'adserve_' || t || '_' || suffixes[i]) THEN
                EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I %s '
                               'FOR EACH STATEMENT EXECUTE PROCEDURE adserve_notify_campaign_changes()',
                               'adserve_' || t || '_' || suffixes[i], events[i], t, transitions[i]);
            END IF;
        END LOOP;
    END LOOP;
END
$$;
