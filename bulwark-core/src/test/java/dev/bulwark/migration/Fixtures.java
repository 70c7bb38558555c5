package dev.bulwark.migration;

import dev.bulwark.BulwarkException;
import dev.bulwark.ErrorCode;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** The fixture directories under {@code src/test/resources/migrations} and the checks every error must pass. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir(String relative) {
        URL url = Fixtures.class.getResource("/migrations/" + relative);
        if (url == null) {
            throw new IllegalArgumentException("no fixture migrations/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the action and returns its USAGE error, after checking what every user-facing error must be. */
    static BulwarkException usageError(Runnable action) {
        try {
            action.run();
        } catch (BulwarkException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
            assertThat(e.getMessage()).as("one line").doesNotContain("\n").doesNotContain("\r");
            assertThat(e.fix()).as("an error says what to do").isNotBlank().doesNotContain("\n");
            return e;
        }
        return fail("expected a USAGE error, but the action succeeded");
    }

    static Migration byId(MigrationSet set, String id) {
        return set.migrations().stream()
                .filter(m -> m.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no migration " + id + " in " + set.migrations()));
    }
}
