COPY orders TO STDOUT WITH (FORMAT csv, HEADER);
COPY (SELECT * FROM orders WHERE note = 'from stdin') TO STDOUT;
COPY orders FROM '/var/lib/postgresql/orders.csv' WITH (FORMAT csv);
