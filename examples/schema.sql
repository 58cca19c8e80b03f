-- A small shop schema, written the way schemas often are on a first pass.

CREATE TABLE customers (
    id          serial PRIMARY KEY,
    email       varchar(255) NOT NULL,
    full_name   text NOT NULL,
    created_at  timestamp NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku         text NOT NULL UNIQUE,
    title       text NOT NULL,
    price       double precision NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  integer NOT NULL REFERENCES customers (id),
    status       text NOT NULL DEFAULT 'pending',
    placed_at    timestamp,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE order_items (
    order_id    bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id  bigint NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    quantity    integer NOT NULL CHECK (quantity > 0),
    unit_price  numeric(12,2) NOT NULL
);

CREATE INDEX order_items_order_id_idx ON order_items (order_id);

-- Raw webhook payloads, kept for replay.
CREATE TABLE payment_events (
    received_at  timestamptz NOT NULL DEFAULT now(),
    payload      json NOT NULL
);
