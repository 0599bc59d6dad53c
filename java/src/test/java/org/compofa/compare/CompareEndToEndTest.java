package org.compofa.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.compofa.cli.Main;
import org.compofa.data.FashionMnist;
import org.compofa.train.EpochBudget;
import org.compofa.train.TrainingConfig;
import org.compofa.train.TrainingPreset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code compofa compare} end to end at a tiny size (w0.25, Fashion-MNIST scaled to 12 px, 128 training
 * and 64 test images,
 * teacher 1, CompOFA 2, OFA 5 epochs, 16 random subnets, an 8 x 3 evolution): one run shared by the
 * tests, which check the pipeline's files, the training-cost accounting against the reference
 * schedules, and that every number of the report is re-derived from the raw artifact files here.
 */
class CompareEndToEndTest {
    private static final int TRAIN = 128;
    private static final int BATCH = 32;
    private static final int COMPOUND_EPOCHS = 2;
    private static final int OFA_EPOCHS = 5;

    @TempDir
    static Path tmp;
    static Path run;
    static Path dir;

    @BeforeAll
    static void runComparison() {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIRECTORY), "Fashion-MNIST not installed");
        run = tmp.resolve("run");
        dir = run.resolve(Comparison.FOLDER);
        assertEquals(0, Main.run(args()), "the tiny comparison runs");
    }

    static String[] args() {
        return new String[] {"compare", "--run", run.toString(), "--width", "0.25", "--resolutions", "12",
            "--search-resolutions", "12", "--batch", Integer.toString(BATCH), "--train-limit", Integer.toString(TRAIN),
            "--test-limit", "64", "--teacher-epochs", "1", "--compound-epochs", Integer.toString(COMPOUND_EPOCHS),
            "--ofa-epochs", Integer.toString(OFA_EPOCHS), "--random-subnets", "16", "--recal-images", "32",
            "--budgets", "3", "--warmup", "1", "--repeats", "3", "--population", "8", "--generations", "3",
            "--predictor-epochs", "5", "--backend", "cpu"};
    }

    @Test
    void producesTheReportPlotsAndTablesAndResumesWithoutRedoingAnything() throws IOException {
        for (String f : List.of("report.md", "summary.csv", "summary.json", "fronts.csv", "cdf.csv", "accuracy-cdf.png",
                "training-cost.png", "search-time.png", "pareto-cpu-b1.png", "predictor-ofa.bin",
                "block-latency-cpu-b1.csv")) {
            assertTrue(Files.size(dir.resolve(f)) > 100, f);
        }
        assertEquals(243 + 6, Files.readAllLines(dir.resolve("accuracy-compofa.csv")).size(), "243 subnets + header");
        assertEquals(16 + 6, Files.readAllLines(dir.resolve("accuracy-ofa-random.csv")).size());
        assertTrue(Files.list(dir).noneMatch(p -> p.toString().endsWith(".partial.csv")), "partial files cleaned up");
        Map<String, Long> modified = new HashMap<>();
        for (Path p : Files.list(dir).filter(p -> p.toString().endsWith(".csv")).toList()) {
            modified.put(p.getFileName().toString(), Files.getLastModifiedTime(p).toMillis());
        }
        assertEquals(0, Main.run(args()), "a rerun finds everything done");
        for (var e : modified.entrySet()) {
            if (!List.of("summary.csv", "fronts.csv", "cdf.csv").contains(e.getKey())) {
                assertEquals(e.getValue(), Files.getLastModifiedTime(dir.resolve(e.getKey())).toMillis(),
                        e.getKey() + " is not rewritten by a rerun");
            }
        }
        List<String> other = new ArrayList<>(List.of(args()));
        other.set(other.indexOf("--budgets") + 1, "4");
        assertEquals(1, Main.run(other.toArray(String[]::new)), "other settings in the same run are refused");
    }

    @Test
    void subnetStepsPerPhaseAreTheScheduleEpochsTimesBatchesTimesSubnetsPerStep() throws IOException {
        int batches = TRAIN / BATCH; // the training loader drops the last partial batch; 128 / 32 has none
        check(TrainingCost.read(dir.resolve("cost-compofa.csv")), EpochBudget.scale(TrainingPreset.compOfa(),
                COMPOUND_EPOCHS), new int[] {4, 4}, batches);
        check(TrainingCost.read(dir.resolve("cost-ofa.csv")), EpochBudget.scale(
                TrainingPreset.ofaProgressiveShrinking(), OFA_EPOCHS), new int[] {1, 2, 2, 4, 4}, batches);
        TrainingCost teacher = TrainingCost.read(dir.resolve("cost-teacher.csv"));
        assertEquals(1, teacher.phases().size(), "the teacher is counted apart, as one phase");
        assertEquals((long) batches, teacher.subnetSteps(), "1 epoch x 4 batches x 1 subnet");
    }

    private static void check(TrainingCost cost, List<TrainingConfig> reference, int[] subnetsPerStep, int batches) {
        assertEquals(reference.size(), cost.phases().size());
        for (int i = 0; i < reference.size(); i++) {
            TrainingCost.Phase p = cost.phases().get(i);
            TrainingConfig r = reference.get(i);
            assertEquals(r.name(), p.name());
            assertEquals(subnetsPerStep[i], p.subnetsPerStep(), "the reference's subnets per step in " + p.name());
            long expected = (long) r.totalEpochs() * batches * subnetsPerStep[i];
            assertEquals(expected, p.subnetSteps(), "subnet-steps of " + p.name() + " as the trainer counted them");
            assertTrue(p.wallSeconds() > 0, p.name() + " has a wall time");
        }
    }

    @Test
    void everyClaimNumberIsReDerivedFromTheArtifactFiles() throws IOException {
        String md = Files.readString(dir.resolve("report.md"));
        ReDerived d = ReDerived.from(dir);
        String claim1 = row(md, "| 1 |");
        assertTrue(claim1.contains(Format.seconds(d.compofaSeconds) + " / " + Format.seconds(d.ofaSeconds) + " s = "
                + Format.ratio(d.compofaSeconds / d.ofaSeconds)), claim1);
        assertTrue(claim1.contains(d.compofaSteps + " / " + d.ofaSteps), claim1);
        String claim2 = row(md, "| 2 |");
        assertTrue(claim2.contains("cpu-b1: CompOFA - OFA " + Format.points(d.frontDifference) + " points mean over 3"
                + " budgets (noise +-" + Format.top1(d.frontNoise) + ")"), claim2);
        String claim3 = row(md, "| 3 |");
        assertTrue(claim3.contains("mean " + Format.top1(d.compofaMean) + " % (CompOFA, 243 subnets) vs "
                + Format.top1(d.ofaRandomMean) + " % (OFA, 16 random)"), claim3);
        assertTrue(claim3.contains("same compound subnets in both supernets " + Format.points(d.pairedDifference)),
                claim3);
        String claim4 = row(md, "| 4 |");
        assertTrue(claim4.contains("OFA evolution " + Format.ms(d.ofaEvolutionMs) + " ms vs CompOFA exact "
                + Format.ms(d.exactMs) + " ms = " + Format.ratio(d.ofaEvolutionMs / d.exactMs) + "x (evolution on"
                + " both: " + Format.ratio(d.ofaEvolutionMs / d.compofaEvolutionMs) + "x)"), claim4);
        Map<String, String> summary = d.summary;
        assertEquals(d.compofaSeconds / d.ofaSeconds, Double.parseDouble(summary.get("training.time_ratio")), 1e-12);
        assertEquals(d.compofaMean, Double.parseDouble(summary.get("population.compofa.mean")), 1e-9);
        assertEquals(d.frontDifference, Double.parseDouble(summary.get("front.cpu-b1.mean_difference")), 1e-9);
    }

    @Test
    void theReportFollowsItsArtifactsWhenOneChanges() throws IOException {
        Path copy = tmp.resolve("copy");
        Files.createDirectories(copy);
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        TrainingCost ofa = TrainingCost.read(copy.resolve("cost-ofa.csv"));
        List<TrainingCost.Phase> doubled = ofa.phases().stream().map(p -> new TrainingCost.Phase(p.name(), p.epochs(),
                p.warmupEpochs(), p.subnetsPerStep(), p.batchesPerEpoch(), p.subnetSteps(), 2 * p.wallSeconds()))
                .toList();
        new TrainingCost("ofa", doubled).write(copy.resolve("cost-ofa.csv"));
        ComparisonReport report = ComparisonReport.fromArtifacts(copy);
        report.write(copy);
        ReDerived d = ReDerived.from(copy);
        assertEquals(2 * ofa.wallSeconds(), d.ofaSeconds, 1e-9);
        String claim1 = row(Files.readString(copy.resolve("report.md")), "| 1 |");
        assertTrue(claim1.contains(Format.seconds(d.ofaSeconds) + " s = " + Format.ratio(d.compofaSeconds
                / d.ofaSeconds)), claim1);
        assertNotEquals(row(Files.readString(dir.resolve("report.md")), "| 1 |"), claim1);
    }

    private static String row(String md, String prefix) {
        return md.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() ->
                new AssertionError("no row " + prefix + " in the report"));
    }
}
