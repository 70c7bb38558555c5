package dev.bulwark.audit;

import dev.bulwark.BulwarkException;
import dev.bulwark.catalog.CatalogJson;

import java.util.Locale;

/** The audit's output formats; each renders the whole {@link AuditReport}. */
public enum AuditFormat {
    MARKDOWN("md"), HTML("html"), JSON("json");

    private final String extension;

    AuditFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    public String render(AuditReport r) {
        return switch (this) {
            case MARKDOWN -> new MarkdownAudit().render(r);
            case HTML -> new HtmlAudit().render(r);
            case JSON -> CatalogJson.write(r) + "\n";
        };
    }

    public static AuditFormat parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "markdown", "md" -> MARKDOWN;
            case "html" -> HTML;
            case "json" -> JSON;
            default -> throw BulwarkException.usage("--output " + s + " is not an audit format", "use markdown, html or json");
        };
    }

    /** From a file name's extension, or null. */
    public static AuditFormat ofFile(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".md") || n.endsWith(".markdown")) {
            return MARKDOWN;
        }
        if (n.endsWith(".html") || n.endsWith(".htm")) {
            return HTML;
        }
        return n.endsWith(".json") ? JSON : null;
    }
}
