package dev.bulwark.examples.boot;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Uses the migrated schema; Boot creates it after Bulwark's initializer has run. */
@Repository
public class Products {
    private final JdbcClient jdbc;

    public Products(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long add(String name, long priceCents) {
        return jdbc.sql("INSERT INTO products (name, price_cents) VALUES (?, ?) RETURNING id")
                .params(name, priceCents).query(Long.class).single();
    }

    public long count() {
        return jdbc.sql("SELECT count(*) FROM products").query(Long.class).single();
    }
}
