package org.compofa.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import org.compofa.runtime.Backend;
import org.compofa.runtime.BackendSelection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints each backend's availability and description, and which one {@code auto} would pick. */
@Command(name = "info", description = "Backends on this machine (and why one is unavailable).")
final class InfoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        return run(Main.out(spec));
    }

    static int run(PrintStream out) {
        out.println("compofa backends on this machine:");
        for (Backend backend : Backend.values()) {
            out.printf("  %-9s %-11s %s%n", backend, backend.isAvailable() ? "available" : "unavailable",
                    backend.describe());
        }
        BackendSelection selection = BackendSelection.choose("auto");
        out.println("auto selects " + selection.backend() + ": " + selection.reason());
        return 0;
    }
}
