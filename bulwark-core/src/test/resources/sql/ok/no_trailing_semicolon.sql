SELECT 1;
/* last statement has no semicolon */ SELECT
    2 -- trailing comment
