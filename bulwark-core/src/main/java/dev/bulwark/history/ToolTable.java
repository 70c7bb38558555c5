package dev.bulwark.history;

import dev.bulwark.pg.Identifiers;

/** A tool's history table in a schema: the name in messages, and quoted for SQL. */
abstract class ToolTable implements ToolHistory {
    protected final String schema;
    protected final String qualified;
    private final String name;

    ToolTable(String schema, String name) {
        this.schema = schema;
        this.name = name;
        this.qualified = Identifiers.qualified(schema, name);
    }

    @Override
    public String table() {
        return schema + "." + name;
    }
}
