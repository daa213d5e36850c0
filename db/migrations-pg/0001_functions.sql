-- The replacement rule's date arithmetic, as the embedded ledger's add_years (lib/dates.ts addYears):
-- whole years on an ISO date, 29 February falling to the 28th; anything but an ISO date gives null.
CREATE OR REPLACE FUNCTION add_years(d text, years bigint) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
BEGIN
  IF d !~ '^\d{4}-\d{2}-\d{2}$' THEN RETURN NULL; END IF;
  RETURN to_char(d::date + make_interval(years => years::int), 'YYYY-MM-DD');
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Substring search of the ledger (tag, plate, model, custodian) uses trigram indexes where the database
-- offers pg_trgm (PostgreSQL's own contrib); without it the same queries scan, slower but right.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE INDEX IF NOT EXISTS assets_search_tag ON assets USING gin (asset_tag gin_trgm_ops);
  CREATE INDEX IF NOT EXISTS assets_search_plate ON assets USING gin (plate_number gin_trgm_ops);
  CREATE INDEX IF NOT EXISTS assets_search_model ON assets USING gin (model gin_trgm_ops);
  CREATE INDEX IF NOT EXISTS assets_search_custodian ON assets USING gin (custodian gin_trgm_ops);
EXCEPTION WHEN others THEN
  -- Not offered, not allowed, or installed in a schema off the search path: the block's work is undone as one.
  RAISE NOTICE 'pg_trgm unavailable (%): ledger search runs without trigram indexes', SQLERRM;
END $$;
