package dev.bulwark.api;

/**
 * How far {@link Bulwark#rollback(RollbackOptions)} goes: a number of steps, or down to (not
 * including) a version.
 *
 * @param steps     migrations to undo, or null when {@code toVersion} is given
 * @param toVersion the version to end at, or null when {@code steps} is given
 */
public record RollbackOptions(Integer steps, String toVersion, boolean dryRun) {
    public RollbackOptions {
        if ((steps == null) == (toVersion == null)) {
            throw new BulwarkFailure(BulwarkFailure.Kind.CONFIGURATION,
                    "RollbackOptions: give exactly one of steps and toVersion", "use RollbackOptions.steps(n) or RollbackOptions.toVersion(v)");
        }
        if (steps != null && steps < 1) {
            throw new BulwarkFailure(BulwarkFailure.Kind.CONFIGURATION,
                    "RollbackOptions.steps must be at least 1, was " + steps, "use 1 to undo the last migration");
        }
    }

    public static RollbackOptions steps(int steps) {
        return new RollbackOptions(steps, null, false);
    }

    public static RollbackOptions toVersion(String version) {
        return new RollbackOptions(null, version, false);
    }

    public RollbackOptions asDryRun() {
        return new RollbackOptions(steps, toVersion, true);
    }
}
