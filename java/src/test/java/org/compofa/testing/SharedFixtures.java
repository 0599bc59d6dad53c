package org.compofa.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The data other projects' original code made, in {@code ../shared/fixtures/} beside the checkout
 * (CI has it there; {@code COMPOFA_OFA_FIXTURES} overrides the OFA folder, e.g. from a worktree).
 */
public final class SharedFixtures {
    private SharedFixtures() {
    }

    /** The OFA fixtures ({@code ../shared/fixtures/ofa}, with its manifest), or a skipped test. */
    public static Path ofa() {
        String env = System.getenv("COMPOFA_OFA_FIXTURES");
        List<Path> candidates = env != null ? List.of(Path.of(env))
                : List.of(Path.of("..", "..", "shared", "fixtures", "ofa"), Path.of("..", "shared", "fixtures", "ofa"));
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("manifest.json"))) {
                return p;
            }
        }
        assumeTrue(false, "OFA fixtures not found at " + candidates);
        return null;
    }
}
