-- a file of plain SQL, run by an sqlFile change
UPDATE orders SET amount = 0 WHERE amount IS NULL;
