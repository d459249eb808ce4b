/**
 * The shared state's schema as numbered migrations, applied in order once each, the same on embedded
 * PostgreSQL (PGlite) and a server. Never edit an applied migration: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: "users and sessions",
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  org_code TEXT,
  org_type TEXT,
  role TEXT NOT NULL DEFAULT 'viewer',
  source TEXT NOT NULL,
  password_hash TEXT,
  created_at TIMESTAMPTZ NOT NULL,
  last_seen_at TIMESTAMPTZ
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  principal JSONB NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  last_seen_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE sign_in_requests (
  state TEXT PRIMARY KEY,
  code_verifier TEXT NOT NULL,
  nonce TEXT NOT NULL,
  return_to TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE server_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);`,
  },
  {
    version: 2,
    name: "audit log",
    sql: `
CREATE TABLE audit_events (
  seq BIGINT PRIMARY KEY,
  at TIMESTAMPTZ NOT NULL,
  kind TEXT NOT NULL,
  actor TEXT,
  detail JSONB NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_events_at ON audit_events(at);
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();`,
  },
  {
    version: 3,
    name: "grants",
    sql: `
CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  org_code TEXT NOT NULL,
  purpose TEXT NOT NULL,
  requested_at TIMESTAMPTZ NOT NULL,
  approved_by TEXT REFERENCES users(id),
  approved_at TIMESTAMPTZ,
  expires_at TIMESTAMPTZ,
  last_used_at TIMESTAMPTZ,
  revoked_at TIMESTAMPTZ,
  revoked_reason TEXT
);
CREATE INDEX grants_user ON grants(user_id);`,
  },
  {
    version: 4,
    name: "built-in provider state",
    sql: `
CREATE TABLE oidc_models (
  model TEXT NOT NULL,
  id TEXT NOT NULL,
  payload JSONB NOT NULL,
  grant_id TEXT,
  user_code TEXT,
  uid TEXT,
  expires_at TIMESTAMPTZ,
  consumed_at TIMESTAMPTZ,
  PRIMARY KEY (model, id)
);
CREATE INDEX oidc_models_uid ON oidc_models(uid);
CREATE INDEX oidc_models_grant ON oidc_models(grant_id);`,
  },
  {
    version: 5,
    name: "published approval audits",
    sql: `
CREATE TABLE approval_audits (
  id BIGSERIAL PRIMARY KEY,
  published_at TIMESTAMPTZ NOT NULL,
  period TEXT NOT NULL,
  provenance JSONB NOT NULL,
  tables JSONB NOT NULL
);`,
  },
  {
    version: 6,
    name: "planned-care strategies",
    sql: `
CREATE TABLE planned_care_strategies (
  id TEXT PRIMARY KEY,
  org_code TEXT NOT NULL,
  strategy_id TEXT NOT NULL,
  group_ids JSONB NOT NULL,
  population TEXT NOT NULL,
  started_on DATE NOT NULL,
  ended_on DATE,
  note TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL REFERENCES users(id),
  recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX planned_care_strategies_org ON planned_care_strategies(org_code);`,
  },
];
