CREATE RULE archive_rule AS ON DELETE TO items
    DO ALSO (
        INSERT INTO items_archive SELECT OLD.*;
        UPDATE counters SET n = n - 1 WHERE name = 'items';
    );
SELECT 1;
