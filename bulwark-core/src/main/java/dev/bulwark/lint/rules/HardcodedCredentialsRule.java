package dev.bulwark.lint.rules;

import dev.bulwark.lint.Rule;
import dev.bulwark.lint.SetContext;
import dev.bulwark.lint.Severity;

/** A database password committed in a config file. See docs/rules/hardcoded-credentials.md. */
public final class HardcodedCredentialsRule extends Rule {
    @Override
    public String id() {
        return "hardcoded-credentials";
    }

    @Override
    public Severity defaultSeverity() {
        return Severity.ERROR;
    }

    @Override
    public String summary() {
        return "a database password committed in a config file";
    }

    @Override
    public String help() {
        return "read the URL from an environment variable (DATABASE_URL) and keep secrets out of git";
    }

    @Override
    public void checkSet(SetContext ctx) {
        Credentials.check(ctx);
    }

}
