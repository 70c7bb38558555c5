-- bulwark:phase contract
ALTER TABLE tags DROP COLUMN name;
