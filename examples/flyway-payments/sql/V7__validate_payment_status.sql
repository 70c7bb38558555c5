ALTER TABLE payments VALIDATE CONSTRAINT payments_status_check;
