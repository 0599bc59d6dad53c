package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void selfcheckAgreesWithReferenceOnEveryAvailableBackend() {
        assertEquals(0, Main.run("selfcheck", "--seed", "7"));
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, Main.run("no-such-command"));
    }
}
