package dev.bulwark.lint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.bulwark.BulwarkConfig;
import dev.bulwark.BulwarkException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code [lint]} section of bulwark.toml: {@code fail_on}, {@code pg_version},
 * {@code protected_tables = [...]} and {@code [lint.rules] <id> = "error|warning|info|off"}.
 * Unknown rule ids are refused, so a typo does not silently leave a rule on.
 */
public record LintConfig(Severity failOn, LintOptions options) {
    public static LintConfig load(Path projectDir) {
        Path file = projectDir.resolve(BulwarkConfig.FILE_NAME);
        Severity failOn = Severity.ERROR;
        int pg = LintOptions.DEFAULT_PG_VERSION;
        Map<String, Optional<Severity>> severities = new HashMap<>();
        List<String> protectedTables = new ArrayList<>(LintOptions.DEFAULT_PROTECTED);
        if (Files.isRegularFile(file)) {
            BulwarkConfig.load(projectDir); // validates the file and its keys first
            JsonNode lint;
            try {
                JsonNode root = new TomlMapper().readTree(file.toFile());
                lint = root == null ? null : root.path("lint");
            } catch (IOException e) {
                throw BulwarkException.usage(file + ": not valid TOML", "fix the file");
            }
            if (lint != null && !lint.isMissingNode()) {
                if (lint.has("fail_on")) {
                    failOn = Severity.parse(lint.get("fail_on").asText(), file + ": lint.fail_on");
                }
                if (lint.has("pg_version")) {
                    pg = lint.get("pg_version").asInt();
                    if (pg < 9 || pg > 30) {
                        throw BulwarkException.usage(file + ": lint.pg_version " + lint.get("pg_version").asText()
                                + " is not a PostgreSQL major version", "use e.g. 15");
                    }
                }
                if (lint.has("protected_tables")) {
                    protectedTables.clear();
                    lint.get("protected_tables").forEach(n -> protectedTables.add(n.asText()));
                }
                JsonNode rules = lint.path("rules");
                for (Iterator<Map.Entry<String, JsonNode>> it = rules.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (RuleRegistry.byId(e.getKey()).isEmpty()) {
                        throw BulwarkException.usage(file + ": lint.rules." + e.getKey() + " is not a rule",
                                "see `bulwark lint --list-rules` for the ids");
                    }
                    String v = e.getValue().asText();
                    severities.put(e.getKey(), v.equalsIgnoreCase("off") ? Optional.empty()
                            : Optional.of(Severity.parse(v, file + ": lint.rules." + e.getKey())));
                }
            }
        }
        return new LintConfig(failOn, new LintOptions(pg, severities, protectedTables));
    }
}
