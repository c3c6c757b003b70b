-- The store of record (issue 15), as in ../sqlite/0001_init.sql but with byte-order
-- ("C") collation where the queue compares text ranges or sorts ties by id. Times are
-- Unix microseconds (a document's created_at nanoseconds, as the record keeps it); bodies are the server's JSON. Each query the reviewers' queue
-- runs has an index that answers it.
CREATE TABLE ports (
  id             TEXT COLLATE "C" PRIMARY KEY,
  status         TEXT NOT NULL,
  status_since   BIGINT NOT NULL,
  owner          TEXT NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  carrier        TEXT COLLATE "C" NOT NULL,
  account_number TEXT NOT NULL,
  version        BIGINT NOT NULL,
  body           TEXT NOT NULL
);
CREATE INDEX ports_queue ON ports (status, status_since, id);
CREATE INDEX ports_by_age ON ports (status_since, id);
CREATE INDEX ports_owner ON ports (owner, status, status_since, id);
CREATE INDEX ports_carrier ON ports (carrier, status, status_since, id);
CREATE INDEX ports_account ON ports (account_number);

CREATE TABLE port_numbers (
  port_id TEXT NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
  e164    TEXT NOT NULL,
  PRIMARY KEY (port_id, e164)
);
CREATE INDEX port_numbers_e164 ON port_numbers (e164);

CREATE TABLE port_names (
  port_id TEXT NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
  fold    TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (port_id, fold)
);
CREATE INDEX port_names_fold ON port_names (fold);

-- status and status_since are copied from the port so that the filter chips' counts
-- are read from this table's index alone.
CREATE TABLE port_flags (
  port_id      TEXT NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
  code         TEXT NOT NULL,
  status       TEXT NOT NULL,
  status_since BIGINT NOT NULL,
  PRIMARY KEY (port_id, code)
);
CREATE INDEX port_flags_counts ON port_flags (status, code, status_since);
CREATE INDEX port_flags_code ON port_flags (code, status_since);

CREATE TABLE port_events (
  port_id    TEXT NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  id         TEXT NOT NULL,
  at         BIGINT NOT NULL,
  type       TEXT NOT NULL,
  actor      TEXT NOT NULL,
  visibility TEXT NOT NULL,
  body       TEXT NOT NULL,
  PRIMARY KEY (port_id, seq)
);

CREATE TABLE port_documents (
  port_id      TEXT NOT NULL REFERENCES ports (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  kind         TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  size         BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  store_key    TEXT NOT NULL,
  PRIMARY KEY (port_id, name)
);

CREATE TABLE signings (
  token_sha256 TEXT PRIMARY KEY,
  port_id      TEXT NOT NULL,
  version      BIGINT NOT NULL,
  body         TEXT NOT NULL
);
CREATE INDEX signings_port ON signings (port_id);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
