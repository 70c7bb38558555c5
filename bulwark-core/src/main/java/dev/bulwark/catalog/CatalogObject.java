package dev.bulwark.catalog;

import java.util.Map;

/** What {@link CatalogDiff} compares: an object with a stable identity and comparable attributes. */
public interface CatalogObject {
    /** Object type for reports: {@code table}, {@code column}, {@code index} … */
    String objectType();

    /** Identity within its type, readable: {@code public.orders}, {@code public.orders.id} … */
    String objectName();

    /**
     * The attributes a diff compares, in a fixed order. Statistics that change without any DDL
     * (sizes, row estimates, a sequence's last value) are left out on purpose.
     */
    Map<String, Object> attributes();
}
