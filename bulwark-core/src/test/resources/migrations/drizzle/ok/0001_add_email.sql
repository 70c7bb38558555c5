ALTER TABLE "users" ADD COLUMN "email" text;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "users_email_idx" ON "users" ("email");
