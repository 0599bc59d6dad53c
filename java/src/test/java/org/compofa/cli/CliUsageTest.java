package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line's contract, in-process and without training: help, version, usage errors (exit 2,
 * naming the option), failures (exit 1, naming the file), no stack traces unless asked.
 */
class CliUsageTest {
    /** What each command needs besides options, so that only the option under test is wrong. */
    private static final Map<String, List<String>> POSITIONALS = Map.of("train", List.of("teacher"),
            "import", List.of("checkpoint.pth", "--out", "runs/imported"));

    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, CommandLine> commands() {
        return Main.commandLine(System.out, System.err).getSubcommands();
    }

    private static List<String> args(String command, String... rest) {
        List<String> a = new ArrayList<>(List.of(command));
        a.addAll(POSITIONALS.getOrDefault(command, List.of()));
        a.addAll(List.of(rest));
        return a;
    }

    @Test
    void everyDocumentedCommandExists() {
        assertEquals(Set.of("info", "selfcheck", "train", "import", "latency", "evaluate", "search", "export", "compare",
                "step-bench", "demo", "help"), commands().keySet());
    }

    @Test
    void helpOfEveryCommandPrintsItsUsageAndExitsZero() {
        for (String command : commands().keySet()) {
            for (String flag : List.of("--help", "-h")) {
                Result r = run(command, flag);
                assertEquals(0, r.status(), command + " " + flag + ": " + r.err());
                assertTrue(r.out().contains("Usage: compofa " + command), command + " " + flag + ": " + r.out());
                assertEquals("", r.err(), command + " " + flag);
            }
        }
        Result r = run("help", "train");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("--teacher-epochs"), r.out());
    }

    @Test
    void versionWorksAtTheTopAndOnEveryCommand() {
        for (List<String> a : List.of(List.of("--version"), List.of("-V"), List.of("search", "--version"))) {
            Result r = run(a.toArray(String[]::new));
            assertEquals(0, r.status(), a + ": " + r.err());
            assertTrue(r.out().matches("(?s)compofa \\d+\\.\\d+\\.\\d+.*C ABI \\d+.*"), r.out());
        }
    }

    @Test
    void bareCompofaPrintsTheUsageAndIsAUsageError() {
        Result r = run();
        assertEquals(2, r.status());
        assertTrue(r.err().contains("a command is required"), r.err());
        assertTrue(r.err().contains("Usage: compofa"), r.err());
        assertTrue(r.err().contains("demo"), "lists the commands: " + r.err());
        assertEquals("", r.out(), "nothing runs");
    }

    @Test
    void unknownCommandAndUnknownOptionsAreUsageErrorsThatNameThem() {
        Result top = run("no-such-command");
        assertEquals(2, top.status());
        assertTrue(top.err().contains("'no-such-command'"), top.err());
        for (String command : commands().keySet()) {
            Result r = run(args(command, "--no-such-option").toArray(String[]::new));
            assertEquals(2, r.status(), command + ": " + r.err());
            assertTrue(r.err().contains("'--no-such-option'"), command + ": " + r.err());
            assertEquals("", r.out(), command + " must not start");
        }
        // The tester's cases: a misspelt option no longer runs the defaults (an hour of training).
        Result epochs = run("train", "teacher", "--epochs", "1");
        assertEquals(2, epochs.status());
        assertTrue(epochs.err().contains("'--epochs'"), epochs.err());
        Result budget = run("search", "--budget", "2");
        assertEquals(2, budget.status());
        assertTrue(budget.err().contains("--budgets"), "suggests the right name: " + budget.err());
    }

    @Test
    void everyNumericOptionRefusesANonNumberAndAnOutOfRangeValueNamingTheOption() {
        int checked = 0;
        for (var e : commands().entrySet()) {
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                Class<?> type = o.type() == List.class ? o.auxiliaryTypes()[0] : o.type();
                boolean numeric = Set.of(int.class, Integer.class, long.class, Long.class, double.class, Double.class)
                        .contains(type);
                if (!numeric) {
                    continue;
                }
                List<String> bad = new ArrayList<>(List.of("abc"));
                if (o.converters().length > 0 && o.converters()[0] instanceof Ranges.IntAtLeast r) {
                    bad.add(Integer.toString(Integer.parseInt(r.range().substring(3)) - 1));
                } else if (o.converters().length > 0 && o.converters()[0] instanceof Ranges.PositiveDecimal) {
                    bad.addAll(List.of("0", "-1.5", "Infinity"));
                }
                for (int i = 0; i < bad.size(); i++) {
                    // Both spellings, --opt value and --opt=value, in turn.
                    List<String> form = i % 2 == 0 ? List.of(o.longestName() + "=" + bad.get(i))
                            : List.of(o.longestName(), bad.get(i));
                    Result r = run(args(e.getKey(), form.toArray(String[]::new)).toArray(String[]::new));
                    assertEquals(2, r.status(), e.getKey() + " " + form + ": " + r.err());
                    assertTrue(r.err().contains("'" + o.longestName() + "'"), e.getKey() + " " + form + ": " + r.err());
                    assertEquals("", r.out(), e.getKey() + " " + form + " must not start");
                    checked++;
                }
            }
        }
        assertTrue(checked > 80, "numeric values checked: " + checked);
        Result seed = run("selfcheck", "--seed", "abc");
        assertTrue(seed.err().contains("'--seed'") && !seed.err().contains("\tat "), seed.err());
    }

    @Test
    void everyRangeIsStatedInTheHelp() {
        for (var e : commands().entrySet()) {
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (o.converters().length > 0 && o.converters()[0] instanceof Ranges.Bounded b) {
                    assertTrue(String.join(" ", o.description()).contains(b.range()),
                            e.getKey() + " " + o.longestName() + " must say " + b.range());
                }
            }
        }
    }

    @Test
    void equalsFormListsAndYesNoAreParsed() {
        CommandLine cl = Main.commandLine(System.out, System.err);
        ParseResult p = cl.parseArgs("latency", "--batches=1,16", "--lut=yes", "--engine=both", "--force",
                "--resolutions=28", "--width", "0.25").subcommand();
        assertEquals(List.of(1, 16), p.matchedOptionValue("--batches", List.of()));
        assertEquals(LatencyCommand.Lut.YES, p.matchedOptionValue("--lut", null));
        assertEquals(LatencyCommand.Engine.BOTH, p.matchedOptionValue("--engine", null));
        assertTrue(p.hasMatchedOption("--force"));
        assertEquals(0.25, (double) p.matchedOptionValue("--width", 0.0));
    }

    @Test
    void demoPassesItsOptionsToEveryStepThatHasThemAndEveryStepParses() {
        CommandLine cl = Main.commandLine(System.out, System.err);
        cl.parseArgs("demo", "--width", "0.25", "--backend", "cpu", "--resolutions", "24-32:8");
        DemoCommand demo = cl.getSubcommands().get("demo").getCommand();
        List<List<String>> steps = demo.steps();
        assertEquals(List.of("train", "latency", "evaluate", "search", "export"),
                steps.stream().map(List::getFirst).toList());
        for (List<String> step : steps) {
            // Each step is a valid command line on its own (throws a ParameterException otherwise).
            Main.commandLine(System.out, System.err).parseArgs(step.toArray(String[]::new));
            assertEquals("0.25", step.get(step.indexOf("--width") + 1), step.toString());
            assertEquals("runs/demo", step.get(step.indexOf("--run") + 1), step.toString());
        }
        assertEquals(List.of("train", "recipe"), steps.getFirst().subList(0, 2));
        assertEquals("2", steps.getFirst().get(steps.getFirst().indexOf("--teacher-epochs") + 1), "the demo's size");
        assertFalse(steps.get(3).contains("--backend"), "search has no backend: " + steps.get(3));
        assertTrue(steps.get(1).contains("--backend"), steps.get(1).toString());
        // 28 is not among 24 and 32: the steps evaluate, time and export a resolution the run has.
        assertEquals("32", steps.get(4).get(steps.get(4).indexOf("--resolution") + 1), steps.get(4).toString());
    }

    @Test
    void missingFilesAreFailuresThatNameTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-run");
        Result search = run("search", "--run", missing.toString());
        assertEquals(1, search.status(), search.err());
        assertTrue(search.err().contains(missing.toString()), search.err());
        assertFalse(search.err().contains("\tat "), "no stack trace: " + search.err());
        Path noData = dir.resolve("no-data");
        for (String command : List.of("train", "export", "evaluate", "latency", "compare")) {
            Result r = run(args(command, "--data", noData.toString()).toArray(String[]::new));
            assertEquals(1, r.status(), command + ": " + r.err());
            assertTrue(r.err().startsWith("compofa " + command + ": " + noData), command + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        }
        Result verbose = run("search", "--run", missing.toString(), "--verbose");
        assertEquals(1, verbose.status());
        assertTrue(verbose.err().contains("\tat org.compofa"), "--verbose shows the stack: " + verbose.err());
    }

    @Test
    void aTableThatIsNotTextIsNamed(@TempDir Path dir) throws Exception {
        Path acc = dir.resolve("evaluation/accuracy.csv");
        Files.createDirectories(acc.getParent());
        Files.write(acc, new byte[] {'s', 'u', (byte) 0xff, (byte) 0xfe, 0, '\n'});
        Result r = run("search", "--run", dir.toString());
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().contains(acc.toString()), r.err());
        assertFalse(r.err().contains("Input length"), r.err());
    }

    @Test
    void fileSystemErrorsNameTheFileAndWhatIsWrong() {
        assertEquals("/a/b: no such file or directory", Failures.message(new NoSuchFileException("/a/b")));
        assertEquals("/a/b: permission denied", Failures.message(new AccessDeniedException("/a/b")));
        assertTrue(Failures.message(new FileAlreadyExistsException("/etc/hostname")).startsWith(
                "/etc/hostname: already exists"));
        assertEquals("no message", Failures.message(new java.io.IOException("no message")));
        assertEquals("first line (more with --verbose)", Failures.message(new RuntimeException("first line\nsecond")));
        assertTrue(Failures.message(new MalformedInputException(1)).contains("not UTF-8"));
    }

    @Test
    void commandsRefuseValuesOutsideTheRunBeforeWorking() {
        CommandSpec latency = commands().get("latency").getCommandSpec();
        assertTrue(latency.findOption("--force") != null, "latency --force exists");
        Result r = run("step-bench", "--resolutions", "8", "--backend", "cpu");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--resolutions") && r.err().contains("16..512"), r.err());
        Result phase = run("train", "bogus");
        assertEquals(2, phase.status());
        assertTrue(phase.err().contains("teacher, compound, ofa-ps, recipe"), phase.err());
        Result none = run("train");
        assertEquals(2, none.status());
        assertTrue(none.err().contains("PHASE") && none.err().contains("--teacher-epochs"),
                "`train` alone lists every option: " + none.err());
    }
}
