package dev.bulwark.lint.recognize;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NameKeyTest {
    @Test
    void aPublicObjectIsKeyedUnqualifiedAndAnotherSchemasWithItsSchema() {
        assertThat(Name.bare("orders")).isEqualTo("orders");
        assertThat(Name.bare("shop.orders")).isEqualTo("orders");
        assertThat(Name.qualifier("orders")).isNull();
        assertThat(Name.qualifier("shop.orders")).isEqualTo("shop");
        assertThat(Name.schemaOf("orders")).isEqualTo("public");
        assertThat(Name.schemaOf("shop.orders")).isEqualTo("shop");
        assertThat(Name.isIn("orders", "public")).isTrue();
        assertThat(Name.isIn("shop.orders", "public")).isFalse();
        assertThat(Name.isIn("shop.orders", "shop")).isTrue();
        assertThat(Name.isIn("shopping.orders", "shop")).isFalse();
    }

    @Test
    void setSchemaKeepsTheNameAndRenameToKeepsTheSchema() {
        assertThat(Name.inSchema("orders", "shop")).isEqualTo("shop.orders");
        assertThat(Name.inSchema("shop.orders", "public")).isEqualTo("orders");
        assertThat(Name.inSchema("shop.orders", "archive")).isEqualTo("archive.orders");
        assertThat(Name.renamed("orders", "orders_old")).isEqualTo("orders_old");
        assertThat(Name.renamed("shop.orders", "orders_old")).isEqualTo("shop.orders_old");
    }
}
