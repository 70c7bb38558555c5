-- \connect other_db  (only a comment)
/* \i include.sql */
SELECT '\set x 1', $$\copy t from 'x'$$, "\q";
SELECT E'\\connect';
