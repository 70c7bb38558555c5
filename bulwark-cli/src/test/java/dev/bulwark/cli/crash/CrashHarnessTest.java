package dev.bulwark.cli.crash;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A kill counts only when the process died of it: the crash tests' figures rest on this. */
class CrashHarnessTest {
    @Test
    void aProcessThatFinishedBeforeTheKillLandedIsNotCountedAsKilled() throws Exception {
        Process done = new ProcessBuilder("sh", "-c", "exit 0").start();
        assertThat(done.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(CrashHarness.sigkill(done)).isFalse();
        assertThat(done.exitValue()).isZero();
    }

    @Test
    void aProcessStillRunningDiesOfTheKillAndIsCounted() throws Exception {
        Process running = new ProcessBuilder("sleep", "30").start();
        assertThat(CrashHarness.sigkill(running)).isTrue();
        assertThat(running.exitValue()).isEqualTo(CrashHarness.KILLED);
    }
}
