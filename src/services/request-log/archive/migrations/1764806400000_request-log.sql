-- The request-log archive: one row per ledger entry, partitioned by the UTC day its stream id was written, and
-- the archiver's cursor. Day partitions are created (and dropped by retention) by the archiver, not here.

-- Up Migration

CREATE TABLE request_log (
  -- The ledger stream id `<stream_ms>-<stream_seq>`: the entry's identity and the request log's order.
  stream_ms bigint NOT NULL,
  stream_seq bigint NOT NULL,
  -- Byte-wise collation: a request's failed-over attempts (`<id>~<n>`) are found by an indexed prefix.
  request_id text COLLATE "C" NOT NULL,
  at timestamptz NOT NULL,
  key_id text NOT NULL,
  user_id text,
  account_id text,
  platform text NOT NULL,
  client_format text NOT NULL,
  upstream_format text,
  client_kind text,
  model text NOT NULL,
  upstream_model text NOT NULL,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cache_read_tokens bigint NOT NULL,
  cache_write_5m_tokens bigint NOT NULL,
  cache_write_1h_tokens bigint NOT NULL,
  reasoning_tokens bigint,
  cost_micros bigint NOT NULL,
  -- USD per million tokens; all five null when the model could not be priced.
  price_input double precision,
  price_output double precision,
  price_cache_read double precision,
  price_cache_write_5m double precision,
  price_cache_write_1h double precision,
  price_version text,
  outcome text NOT NULL,
  estimated boolean NOT NULL,
  status integer NOT NULL,
  stream boolean NOT NULL,
  latency_ms bigint NOT NULL,
  ttft_ms bigint,
  error_code text,
  error_message text,
  -- error_message lower-cased by the relay itself (JavaScript's toLowerCase), so free-text search means what
  -- the Redis scan means whatever the database's locale.
  error_search text COLLATE "C",
  client_request_id text,
  attempts integer NOT NULL,
  PRIMARY KEY (stream_ms, stream_seq)
) PARTITION BY RANGE (stream_ms);

-- Every filtered page is newest first: each index ends in the stream id, so a page is an ordered index range
-- read backwards that stops after `limit` rows. Indexes on the parent are created on every day partition.
CREATE INDEX request_log_key ON request_log (key_id, stream_ms, stream_seq);
-- A key's failures: outcomes other than `ok` are a few percent, so the partial index stays small and cheap to
-- write, and a key with `ok` is served by the key index above (nearly every row of the key matches).
CREATE INDEX request_log_key_failure ON request_log (key_id, outcome, stream_ms, stream_seq)
  WHERE outcome <> 'ok';
CREATE INDEX request_log_failure ON request_log (outcome, stream_ms, stream_seq) WHERE outcome <> 'ok';
CREATE INDEX request_log_account ON request_log (account_id, stream_ms, stream_seq);
CREATE INDEX request_log_user ON request_log (user_id, stream_ms, stream_seq) WHERE user_id IS NOT NULL;
-- The model filter matches either name: the two indexes are combined (BitmapOr) for rare models; common ones
-- are read along the primary key.
CREATE INDEX request_log_model ON request_log (model, stream_ms, stream_seq);
CREATE INDEX request_log_upstream_model ON request_log (upstream_model, stream_ms, stream_seq);
-- Free text has no index of its own (that takes pg_trgm): it scans, newest first, only the rows that have an
-- error message, a few percent of all.
CREATE INDEX request_log_error ON request_log (stream_ms, stream_seq) WHERE error_search IS NOT NULL;
CREATE INDEX request_log_request ON request_log (request_id);
CREATE INDEX request_log_client_request ON request_log (client_request_id)
  WHERE client_request_id IS NOT NULL;

-- How far the archiver has copied the ledger stream, one row per archived stream.
CREATE TABLE request_log_cursor (
  name text PRIMARY KEY,
  -- The last stream id archived ('' before the first batch).
  stream_id text NOT NULL,
  -- Its position in the stream (Redis's entries-added count when it was written), when known: the archive's
  -- lag is the stream's entries-added minus this, and a trim past the cursor shows as a jump in it.
  stream_offset bigint,
  -- Entries trimmed from the stream before they were archived, since the archive began.
  missed bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE request_log_cursor;
DROP TABLE request_log;
