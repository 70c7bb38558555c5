package dev.bulwark.cli;

import dev.bulwark.Bulwark;
import dev.bulwark.deploy.DeployJournal;

import java.io.PrintWriter;
import java.util.List;

/** What {@code status}, {@code check} and {@code verify} say about deploys whose journal is unfinished (exit 7). */
final class UnfinishedDeploys {
    private UnfinishedDeploys() {
    }

    static DeployJournal journal(Bulwark b) {
        return new DeployJournal(b.target(), b.config().historySchema());
    }

    /** Prints every unfinished deploy to {@code out}; returns whether there was one. */
    static boolean print(Bulwark b, PrintWriter out) {
        List<DeployJournal.Unfinished> open = journal(b).unfinished();
        for (DeployJournal.Unfinished u : open) {
            out.println();
            out.println((u.interrupted() ? "UNFINISHED DEPLOY: " : "DEPLOY RUNNING: ") + u.describe().get(0));
            u.describe().stream().skip(1).forEach(l -> out.println("  " + l));
        }
        out.flush();
        return !open.isEmpty();
    }
}
