-- add_years again, without an EXCEPTION block: a block with one starts a subtransaction, which PostgreSQL
-- refuses inside a parallel query ("cannot start subtransactions during a parallel operation"), and the
-- ledger's due-lists over a province's assets are planned in parallel. The date is checked instead of caught:
-- anything but a real ISO date (2026-02-30, 0000-01-01, text) gives null, as before; so do absurd year counts.
CREATE OR REPLACE FUNCTION add_years(d text, years bigint) RETURNS text
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  y int;
  m int;
  day int;
BEGIN
  IF d !~ '^\d{4}-\d{2}-\d{2}$' OR years NOT BETWEEN -9000 AND 9000 THEN RETURN NULL; END IF;
  y := substr(d, 1, 4)::int;
  m := substr(d, 6, 2)::int;
  day := substr(d, 9, 2)::int;
  IF y < 1 OR m NOT BETWEEN 1 AND 12 OR day < 1
    OR day > extract(day FROM make_date(y, m, 1) + interval '1 month' - interval '1 day') THEN
    RETURN NULL;
  END IF;
  RETURN to_char(make_date(y, m, day) + make_interval(years => years::int), 'YYYY-MM-DD');
END $$;
