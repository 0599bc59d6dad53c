package org.compofa.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.compofa.search.Candidate;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;
import org.compofa.train.PhaseResult;
import org.compofa.train.RunState;
import org.compofa.train.TrainingConfig;
import org.compofa.train.TrainingPreset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison's own artifact files: round trips, accounting and the errors bad files give. */
class ComparisonArtifactFilesTest {
    @Test
    void trainingCostRoundTripsAndCountsTheScheduleOnSeededPhases(@TempDir Path dir) throws IOException {
        SplittableRandom rnd = new SplittableRandom(7);
        List<TrainingConfig> configs = TrainingPreset.ofaProgressiveShrinking();
        List<PhaseResult> results = new ArrayList<>();
        int batches = 13;
        for (TrainingConfig c : configs) {
            long steps = (long) c.totalEpochs() * batches;
            results.add(new PhaseResult(c.name(), RunState.start(0), rnd.nextDouble(1, 1000),
                    steps * c.subnetsPerStep(), 1, 50));
        }
        TrainingCost cost = TrainingCost.of("ofa", configs, results, batches);
        cost.write(dir.resolve("cost.csv"));
        TrainingCost back = TrainingCost.read(dir.resolve("cost.csv"));
        assertEquals(cost, back);
        double wall = 0;
        long subnetEpochs = 0;
        for (int i = 0; i < configs.size(); i++) {
            wall += results.get(i).elapsedSeconds();
            subnetEpochs += configs.get(i).subnetEpochs();
            assertEquals(back.phases().get(i).scheduledSubnetSteps(), back.phases().get(i).subnetSteps());
        }
        assertEquals(wall, back.wallSeconds(), 1e-9);
        assertEquals(subnetEpochs * batches, back.subnetSteps(), "1025 subnet-epochs x 13 batches");
        assertEquals(1025L * batches, back.subnetSteps());
    }

    @Test
    void trainingCostRefusesMismatchedPhasesAndForeignFiles(@TempDir Path dir) throws IOException {
        List<TrainingConfig> configs = TrainingPreset.compOfa();
        PhaseResult wrong = new PhaseResult("other", RunState.start(0), 1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> TrainingCost.of("compofa", configs, List.of(wrong, wrong),
                1));
        assertThrows(IllegalArgumentException.class, () -> TrainingCost.of("compofa", configs, List.of(wrong), 1));
        Files.writeString(dir.resolve("x.csv"), "key,value\n");
        IOException e = assertThrows(IOException.class, () -> TrainingCost.read(dir.resolve("x.csv")));
        assertTrue(e.getMessage().contains("x.csv"), e.getMessage());
    }

    @Test
    void searchOutcomeRoundTripsIncludingABudgetWithNothingFound(@TempDir Path dir) throws IOException {
        SearchSpace ofa = Comparison.ofaSpace(0.5, ResolutionSet.of(28));
        SplittableRandom rnd = new SplittableRandom(3);
        List<SearchOutcome.Row> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Subnet s = ofa.sample(rnd);
            rows.add(new SearchOutcome.Row(1.5 * (i + 1), Optional.of(new Candidate(s, rnd.nextDouble(50, 90),
                    rnd.nextDouble(1, 9))), rnd.nextDouble(50, 90), rnd.nextDouble(1, 9), rnd.nextDouble(0, 3)));
        }
        rows.add(new SearchOutcome.Row(0.1, Optional.empty(), Double.NaN, Double.NaN, 0.25));
        SearchOutcome o = new SearchOutcome("ofa-evolution", "cpu-b1", ofa.id(), 0.5, rows);
        o.write(dir.resolve("s.csv"));
        SearchOutcome back = SearchOutcome.read(dir.resolve("s.csv"), ofa);
        assertEquals(o.rows().size(), back.rows().size());
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).found(), back.rows().get(i).found());
            assertEquals(rows.get(i).searchMs(), back.rows().get(i).searchMs());
        }
        assertEquals(5, back.found().size());
        assertEquals(rows.stream().mapToDouble(SearchOutcome.Row::searchMs).sum(), back.searchMs(), 1e-12);
        IOException e = assertThrows(IOException.class, () -> SearchOutcome.read(dir.resolve("s.csv"),
                Comparison.compOfaSpace(0.5, ResolutionSet.of(28))));
        assertTrue(e.getMessage().contains("not of compofa"), e.getMessage());
    }

    @Test
    void budgetsSpanTheFrontFromItsFastestToItsMostAccurateSubnet() {
        SearchSpace space = Comparison.compOfaSpace(0.5, ResolutionSet.of(28));
        List<Subnet> s = space.enumerate(28);
        List<Candidate> front = List.of(new Candidate(s.get(0), 70, 1.5), new Candidate(s.get(1), 80, 2.25),
                new Candidate(s.get(2), 85, 4.5));
        double[] b = Searches.budgets(front, 4);
        assertEquals(4, b.length);
        assertEquals(1.5, b[0], 1e-12);
        assertEquals(4.5, b[3], 1e-12);
        assertEquals(1.0, b[2] - b[1], 1e-12, "evenly spread");
        assertEquals(4.5, Searches.budgets(front, 1)[0], 1e-12, "one budget: the most accurate subnet's latency");
    }

    @Test
    void settingsNameTheBadValue() {
        var recipe = new org.compofa.train.FashionRecipe.Settings(Path.of("r"), 0.5, 32, 1, 2, 1.0,
                new ResolutionSet(24, 32, 4), 0);
        ComparisonSettings d = ComparisonSettings.defaults(recipe);
        assertEquals(6, d.ofaEpochs(), "2 x 425 / 150 = 5.67, rounded");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ComparisonSettings(recipe,
                5, ResolutionSet.of(30), 2, 1, 1, 1, 0, 1, 1, d.evolution(), d.predictor()));
        assertTrue(e.getMessage().contains("30") && e.getMessage().contains("[24, 28, 32]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ComparisonSettings(recipe, 4, ResolutionSet.of(28), 2,
                1, 1, 1, 0, 1, 1, d.evolution(), d.predictor()));
    }
}
