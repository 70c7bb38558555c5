CREATE TABLE payments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    amount_cents bigint NOT NULL,
    paid_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_user_id_idx ON payments (user_id);

CREATE TABLE subscriptions (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    plan    text NOT NULL
);
CREATE INDEX subscriptions_user_id_idx ON subscriptions (user_id);
