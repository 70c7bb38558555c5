-- bulwark:phase expand
ALTER TABLE tags ADD COLUMN label text;
