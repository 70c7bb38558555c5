-- +goose Up
CREATE FUNCTION f() RETURNS int AS $$
BEGIN
    RETURN 1;
END;
$$ LANGUAGE plpgsql;

-- +goose Down
DROP FUNCTION f();
