package org.compofa.cli;

import java.io.PrintStream;

import org.compofa.runtime.Backend;
import org.compofa.runtime.BackendSelection;

/** Prints each backend's availability and description, and which one {@code auto} would pick. */
final class InfoCommand {
    private InfoCommand() {}

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
