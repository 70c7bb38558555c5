SELECT 0x1F + 0o17 + 0b101 + 1_000 + 1.5e10 + .5 + 1. AS n;
SELECT a[1:2], b @> '{}', c ?| array['a;b'], d #>> '{x,y}', e -> 'k', f||g FROM t WHERE h=-1;
SELECT x FROM generate_series(1, 10) x WHERE x BETWEEN 1 AND 10;
