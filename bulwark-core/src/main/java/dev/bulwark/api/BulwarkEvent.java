package dev.bulwark.api;

import java.time.Duration;

/**
 * What an operation reports while it runs, delivered to the listener given to
 * {@link FluentConfiguration#eventListener}. The interface is sealed, so on Java 21 a switch over
 * it is checked for exhaustiveness (on 17, test with {@code instanceof}):
 *
 * <pre>{@code
 * switch (event) {
 *     case BulwarkEvent.Progress p -> log.info(p.message());
 *     case BulwarkEvent.Warning w -> log.warn(w.message());
 *     case BulwarkEvent.MigrationApplied a -> metrics.record(a.id(), a.duration());
 *     case BulwarkEvent.MigrationReverted r -> log.warn("reverted {}", r.id());
 * }
 * }</pre>
 */
public sealed interface BulwarkEvent {
    /** A step of the operation ("applying V3__add_index.sql"). */
    record Progress(String message) implements BulwarkEvent {
    }

    /** Something worth a human's look that did not stop the operation (a lock retry, a slow statement). */
    record Warning(String message) implements BulwarkEvent {
    }

    /** A migration completed and is recorded in the history. */
    record MigrationApplied(String id, String description, Duration duration, int statements, int lockRetries)
            implements BulwarkEvent {
    }

    /** A migration's down completed and the history records it as no longer applied. */
    record MigrationReverted(String id, String description, Duration duration) implements BulwarkEvent {
    }
}
