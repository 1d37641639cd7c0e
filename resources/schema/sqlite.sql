-- The campaign store's schema on SQLite: the Go ad-campaign-service's tables, with
-- timestamps as ISO-8601 UTC text and rule values as JSON array text.
-- Every statement is idempotent: it runs on every open.

CREATE TABLE IF NOT EXISTS campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT UNIQUE NOT NULL,
    name TEXT,
    image TEXT,
    cta TEXT,
    status TEXT NOT NULL DEFAULT 'ACTIVE',
    created_at TEXT,
    updated_at TEXT,
    deleted BOOLEAN NOT NULL DEFAULT false,
    deleted_at TEXT,
    -- Priority, flight and day-parting (NULL: priority 0, no bound, every hour). A store
    -- made before they existed gets them from Schema::apply.
    priority INTEGER,
    flight_start TEXT,
    flight_end TEXT,
    serving_hours TEXT,
    time_zone TEXT
);

CREATE TABLE IF NOT EXISTS target_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT,
    campaign_id INTEGER REFERENCES campaigns(id),
    dimension TEXT NOT NULL,
    rule_type TEXT NOT NULL,
    "values" TEXT NOT NULL DEFAULT '[]',
    created_at TEXT,
    updated_at TEXT,
    deleted BOOLEAN NOT NULL DEFAULT false,
    deleted_at TEXT
);

CREATE INDEX IF NOT EXISTS idx_target_rules_campaign_id ON target_rules (campaign_id);

CREATE TABLE IF NOT EXISTS adserve_meta (
    key TEXT PRIMARY KEY,
    value TEXT
);

-- The change log: every change to campaigns or target_rules, whoever makes it, one row per
-- row changed, written by the triggers below in the writing transaction. adserve's own
-- writes name their actor, note and transaction in adserve_writer (a row that exists only
-- inside the writing transaction); other writers are logged as "sqlite".
CREATE TABLE IF NOT EXISTS adserve_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    txn INTEGER,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor TEXT NOT NULL,
    note TEXT,
    campaign_id INTEGER,
    entity TEXT NOT NULL,
    op TEXT NOT NULL,
    row_id INTEGER,
    before TEXT,
    after TEXT
);
CREATE INDEX IF NOT EXISTS adserve_changes_campaign ON adserve_changes (campaign_id, id);
CREATE INDEX IF NOT EXISTS adserve_changes_truncate ON adserve_changes (id) WHERE op = 'truncate';

CREATE TABLE IF NOT EXISTS adserve_writer (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    actor TEXT,
    note TEXT,
    txn INTEGER
);

-- Replaced on every open: the row it logs gained columns.
DROP TRIGGER IF EXISTS adserve_campaigns_log_inserted;
CREATE TRIGGER adserve_campaigns_log_inserted AFTER INSERT ON campaigns
BEGIN
    INSERT INTO adserve_changes (txn, actor, note, campaign_id, entity, op, row_id, after)
    SELECT w.txn, COALESCE(w.actor, 'sqlite'), w.note, NEW.id, 'campaign', 'insert', NEW.id,
           json_object('id', NEW.id, 'code', NEW.code, 'name', NEW.name, 'image', NEW.image, 'cta', NEW.cta,
                       'status', NEW.status, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at,
                       'deleted', json(CASE WHEN NEW.deleted THEN 'true' ELSE 'false' END), 'deleted_at', NEW.deleted_at,
                       'priority', NEW.priority, 'flight_start', NEW.flight_start, 'flight_end', NEW.flight_end,
                       'serving_hours', NEW.serving_hours, 'time_zone', NEW.time_zone)
    FROM (SELECT 1) LEFT JOIN adserve_writer w ON w.id = 1;
END;

-- Replaced on every open: the row it logs gained columns.
DROP TRIGGER IF EXISTS adserve_campaigns_log_updated;
CREATE TRIGGER adserve_campaigns_log_updated AFTER UPDATE ON campaigns
BEGIN
    INSERT INTO adserve_changes (txn, actor, note, campaign_id, entity, op, row_id, before, after)
    SELECT w.txn, COALESCE(w.actor, 'sqlite'), w.note, NEW.id, 'campaign', 'update', NEW.id,
           json_object('id', OLD.id, 'code', OLD.code, 'name', OLD.name, 'image', OLD.image, 'cta', OLD.cta,
                       'status', OLD.status, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at,
                       'deleted', json(CASE WHEN OLD.deleted THEN 'true' ELSE 'false' END), 'deleted_at', OLD.deleted_at,
                       'priority', OLD.priority, 'flight_start', OLD.flight_start, 'flight_end', OLD.flight_end,
                       'serving_hours', OLD.serving_hours, 'time_zone', OLD.time_zone),
           json_object('id', NEW.id, 'code', NEW.code, 'name', NEW.name, 'image', NEW.image, 'cta', NEW.cta,
                       'status', NEW.status, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at,
                       'deleted', json(CASE WHEN NEW.deleted THEN 'true' ELSE 'false' END), 'deleted_at', NEW.deleted_at,
                       'priority', NEW.priority, 'flight_start', NEW.flight_start, 'flight_end', NEW.flight_end,
                       'serving_hours', NEW.serving_hours, 'time_zone', NEW.time_zone)
    FROM (SELECT 1) LEFT JOIN adserve_writer w ON w.id = 1;
END;

-- Replaced on every open: the row it logs gained columns.
DROP TRIGGER IF EXISTS adserve_campaigns_log_deleted;
CREATE TRIGGER adserve_campaigns_log_deleted AFTER DELETE ON campaigns
BEGIN
    INSERT INTO adserve_changes (txn, actor, note, campaign_id, entity, op, row_id, before)
    SELECT w.txn, COALESCE(w.actor, 'sqlite'), w.note, OLD.id, 'campaign', 'delete', OLD.id,
           json_object('id', OLD.id, 'code', OLD.code, 'name', OLD.name, 'image', OLD.image, 'cta', OLD.cta,
                       'status', OLD.status, 'created_at', OLD.created_at, 'updated_at', OLD.updated_at,
                       'deleted', json(CASE WHEN OLD.deleted THEN 'true' ELSE 'false' END), 'deleted_at', OLD.deleted_at,
                       'priority', OLD.priority, 'flight_start', OLD.flight_start, 'flight_end', OLD.flight_end,
                       'serving_hours', OLD.serving_hours, 'time_zone', OLD.time_zone)
    FROM (SELECT 1) LEFT JOIN adserve_writer w ON w.id = 1;
END;

CREATE TRIGGER IF NOT EXISTS adserve_target_rules_log_inserted AFTER INSERT ON target_rules
BEGIN
    INSERT INTO adserve_changes (txn, actor, note, campaign_id, entity, op, row_id, after)
    SELECT w.txn, COALESCE(w.actor, 'sqlite'), w.note, NEW.campaign_id, 'rule', 'insert', NEW.id,
           json_object('id', NEW.id, 'code', NEW.code, 'campaign_id', NEW.campaign_id, 'dimension', NEW.dimension,
                       'rule_type', NEW.rule_type,
                       'values', CASE WHEN json_valid(NEW."values") THEN json(NEW."values") ELSE NEW."values" END,
                       'created_at', NEW.created_at, 'updated_at', NEW.updated_at,
                       'deleted', json(CASE WHEN NEW.deleted THEN 'true' ELSE 'false' END), 'deleted_at', NEW.deleted_at)
    FROM (SELECT 1) LEFT JOIN adserve_writer w ON w.id = 1;
END;

-- A rule moved to another campaign is a change of both: logged under each.
CREATE TRIGGER IF NOT EXISTS adserve_target_rules_log_updated AFTER UPDATE ON target_rules
BEGIN
    INSERT INTO adserve_changes (txn, actor, note, campaign_id, entity, op, row_id, before, after)
    SELECT w.txn, COALESCE(w.actor, 'sqlite'), w.note, owner.id, 'rule', 'update', NEW.id,
           json_object('id', OLD.id, 'code', OLD.code, 'campaign_id', OLD.campaign_id, 'dimension', OLD.dimension,
                       'rule_type', OLD.rule_type,
                       'values', CASE WHEN json_valid(OLD."values") THEN json(OLD."values") ELSE OLD."values" END,
                       'created_at', OLD.created_at, 'updated_at', OLD.updated_at,
                       'deleted', json(CASE WHEN OLD.deleted THEN 'true' ELSE 'false' END), 'deleted_at', OLD.deleted_at),
           json_object('id', NEW.id, 'code', NEW.code, 'campaign_id', NEW.campaign_id, 'dimension', NEW.dimension,
                       'rule_type', NEW.rule_type,
                       'values', CASE WHEN json_valid(NEW."values") THEN json(NEW."values") ELSE NEW."values" END,
                       'created_at', NEW.created_at, 'updated_at', NEW.updated_at,
                       'deleted', json(CASE WHEN NEW.deleted THEN 'true' ELSE 'false' END), 'deleted_at', NEW.deleted_at)
    FROM (SELECT NEW.campaign_id AS id UNION SELECT OLD.campaign_id WHERE OLD.campaign_id IS NOT NEW.campaign_id) owner
    LEFT JOIN adserve_writer w ON w.id = 1;
END;

CREATE TRIGGER IF NOT EXISTS adserve_target_rules_log_deleted AFTER DELETE ON target_rules
BEGIN
    INSERT INTO adserve_changes (txn, actor, note, campaign_id, entity, op, row_id, before)
    SELECT w.txn, COALESCE(w.actor, 'sqlite'), w.note, OLD.campaign_id, 'rule', 'delete', OLD.id,
           json_object('id', OLD.id, 'code', OLD.code, 'campaign_id', OLD.campaign_id, 'dimension', OLD.dimension,
                       'rule_type', OLD.rule_type,
                       'values', CASE WHEN json_valid(OLD."values") THEN json(OLD."values") ELSE OLD."values" END,
                       'created_at', OLD.created_at, 'updated_at', OLD.updated_at,
                       'deleted', json(CASE WHEN OLD.deleted THEN 'true' ELSE 'false' END), 'deleted_at', OLD.deleted_at)
    FROM (SELECT 1) LEFT JOIN adserve_writer w ON w.id = 1;
END;

-- Every running instance over this store, kept fresh by its heartbeat (see postgres.sql).
CREATE TABLE IF NOT EXISTS adserve_instances (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    address TEXT,
    version TEXT NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL,
    applied_change_id INTEGER,
    applied_at TEXT,
    behind_changes INTEGER NOT NULL DEFAULT 0,
    behind_since TEXT,
    problem TEXT
);

-- Delivery requests per UTC hour and normalised (country, os, app) (see postgres.sql).
CREATE TABLE IF NOT EXISTS adserve_traffic (
    hour_start INTEGER NOT NULL,
    country TEXT NOT NULL,
    os TEXT NOT NULL,
    app TEXT NOT NULL,
    requests INTEGER NOT NULL CHECK (requests >= 0),
    PRIMARY KEY (hour_start, country, os, app)
) WITHOUT ROWID;

-- The flushes adserve_traffic has taken, by id: a flush retried after a commit whose answer
-- was lost is not added twice. Kept as long as the traffic.
CREATE TABLE IF NOT EXISTS adserve_traffic_batches (
    id TEXT PRIMARY KEY,          -- instance id / flush number
    stored_at INTEGER NOT NULL         -- seconds since the epoch
);
