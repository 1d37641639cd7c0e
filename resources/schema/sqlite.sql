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
    deleted_at TEXT
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
