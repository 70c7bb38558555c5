INSERT INTO t (a) VALUES ('it''s; fine'), (E'it\'s; fine'), (E'back\\'), ('C:\dir\');
INSERT INTO t (a) VALUES (U&'d\0061t\+000061;'), (U&'d!0061t;' UESCAPE '!'), (B'0101'), (X'1F');
SELECT "weird;""name", U&"d\0061t;" FROM "Table;With;Semicolons";
SELECT 'multi
line; string', 'continued'
  'here;';
SELECT N'national;' AS n, $1::int, a::text, j->>'k;' FROM t WHERE x <> 1 AND y != 2 OR z >= .5e3;
