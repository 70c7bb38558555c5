SET lock_timeout = '2s';
ALTER TABLE payments ADD COLUMN status text;
ALTER TABLE payments ADD CONSTRAINT payments_status_check
    CHECK (status IN ('pending', 'paid', 'refunded')) NOT VALID;
