CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now(); -- a comment; inside the body
    RETURN NEW;
END;
$$;

CREATE FUNCTION nested() RETURNS text LANGUAGE plpgsql AS $outer$
BEGIN
    EXECUTE $inner$SELECT 'x;y'$inner$;
    RETURN $$;$$;
END
$outer$;

DO $do$
BEGIN
    RAISE NOTICE 'done; %', 1;
END
$do$;
