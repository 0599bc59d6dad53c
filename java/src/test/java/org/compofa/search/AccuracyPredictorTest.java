package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The predictor learns a synthetic accuracy of OFA subnets; its file round-trips and refuses damage. */
class AccuracyPredictorTest {
    private static final SearchSpace SPACE = SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6),
            List.of(3, 5, 7), 0.5, new ResolutionSet(128, 224, 16));
    private static final PredictorConfig SMALL = new PredictorConfig(3, 96, 1e-3, 1e-4, 60, 32, 1);
    private static final int TRAIN = 1601;
    private static final int TEST = 397;

    private static List<Subnet> subnets;
    private static double[] top1;
    private static AccuracyPredictor trained;

    @BeforeAll
    static void trainOnce() {
        SyntheticArchitectures truth = new SyntheticArchitectures(21, SPACE.stages());
        SplittableRandom rnd = new SplittableRandom(4);
        subnets = new ArrayList<>();
        top1 = new double[TRAIN + TEST];
        for (int i = 0; i < top1.length; i++) {
            Subnet s = SPACE.sample(rnd);
            subnets.add(s);
            top1[i] = truth.accuracy(s) + 0.2 * rnd.nextGaussian();
        }
        trained = new AccuracyPredictor(SPACE, SMALL);
        trained.fit(subnets.subList(0, TRAIN), Arrays.copyOf(top1, TRAIN));
    }

    private static double rms(double[] err) {
        return Math.sqrt(Arrays.stream(err).map(e -> e * e).average().orElseThrow());
    }

    @Test
    void learnsSyntheticAccuracyBetterThanTheMean() {
        double trainMean = Arrays.stream(top1, 0, TRAIN).average().orElseThrow();
        double[] predicted = trained.predict(subnets.subList(TRAIN, TRAIN + TEST));
        double[] err = new double[TEST];
        double[] baseline = new double[TEST];
        for (int i = 0; i < TEST; i++) {
            err[i] = predicted[i] - top1[TRAIN + i];
            baseline[i] = trainMean - top1[TRAIN + i];
        }
        double rmse = rms(err);
        double baseRmse = rms(baseline);
        System.out.printf("held-out RMSE %.3f %%, constant-mean RMSE %.3f %%%n", rmse, baseRmse);
        assertTrue(baseRmse > 2, "the synthetic target should spread: std " + baseRmse);
        assertTrue(rmse < 0.3 * baseRmse, "held-out RMSE " + rmse + " vs constant-mean " + baseRmse);
        assertEquals(predicted[5], trained.predict(subnets.get(TRAIN + 5)), 0.0, "single and batch predictions");
    }

    @Test
    void sameSeedAndDataGiveTheSamePredictor() {
        AccuracyPredictor again = new AccuracyPredictor(SPACE, SMALL.withEpochs(3));
        AccuracyPredictor twin = new AccuracyPredictor(SPACE, SMALL.withEpochs(3));
        again.fit(subnets.subList(0, 301), Arrays.copyOf(top1, 301));
        twin.fit(subnets.subList(0, 301), Arrays.copyOf(top1, 301));
        List<Subnet> probe = subnets.subList(TRAIN, TRAIN + 50);
        assertArrayEquals(again.predict(probe), twin.predict(probe));
    }

    @Test
    void saveLoadGivesIdenticalPredictions(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/predictor.bin");
        trained.save(file);
        AccuracyPredictor loaded = AccuracyPredictor.load(file, SPACE);
        List<Subnet> probe = subnets.subList(TRAIN, TRAIN + TEST);
        assertArrayEquals(trained.predict(probe), loaded.predict(probe));
        assertEquals(trained.parameterCount(), loaded.parameterCount());
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left beside the predictor");
        }
    }

    @Test
    void damagedOrForeignFilesAreRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.bin");
        trained.save(file);
        byte[] good = Files.readAllBytes(file);
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        assertRefused(dir, flipped, "checksum");
        assertRefused(dir, Arrays.copyOf(good, good.length - 4001), "checksum");
        assertRefused(dir, Arrays.copyOf(good, 10), "not a compofa accuracy predictor");
        assertRefused(dir, "# compofa accuracy table v1\n".getBytes(), "not a compofa accuracy predictor");
        byte[] version = good.clone();
        version[11] = 9;
        assertRefused(dir, version, "version 9");
        IOException other = assertThrows(IOException.class, () -> AccuracyPredictor.load(file,
                SearchSpaces.ofaMbv3(List.of(2, 3, 4), List.of(3, 4, 6), List.of(3, 5, 7), 0.5,
                        new ResolutionSet(128, 224, 32))));
        assertTrue(other.getMessage().contains("not for"), other.getMessage());
        IOException missing = assertThrows(IOException.class, () -> AccuracyPredictor.load(dir.resolve("no"), SPACE));
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
    }

    private static void assertRefused(Path dir, byte[] bytes, String why) throws IOException {
        Path bad = dir.resolve("bad.bin");
        Files.write(bad, bytes);
        IOException e = assertThrows(IOException.class, () -> AccuracyPredictor.load(bad, SPACE));
        assertTrue(e.getMessage().contains(why) && e.getMessage().contains(bad.toString()), e.getMessage());
    }

    @Test
    void badInputsGiveClearErrors() {
        AccuracyPredictor fresh = new AccuracyPredictor(SPACE, SMALL);
        Subnet s = subnets.getFirst();
        IllegalStateException untrained = assertThrows(IllegalStateException.class, () -> fresh.predict(s));
        assertTrue(untrained.getMessage().contains("not trained"), untrained.getMessage());
        assertThrows(IllegalStateException.class, () -> fresh.save(Path.of("unused")));
        assertThrows(IllegalArgumentException.class, () -> fresh.fit(List.of(s), new double[2]));
        assertThrows(IllegalArgumentException.class, () -> fresh.fit(List.of(), new double[0]));
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> fresh.fit(List.of(s, s), new double[] {70, Double.NaN}));
        assertTrue(nan.getMessage().contains("[0, 100]"), nan.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fresh.fit(List.of(s), new double[] {100.5}));
        Subnet foreign = SearchSpaces.compOfa(1.0).largest(132); // 132 is not one of this space's sizes
        assertThrows(InvalidSubnetException.class, () -> trained.predict(foreign));
        assertThrows(InvalidSubnetException.class, () -> fresh.fit(List.of(foreign), new double[] {70}));
        assertThrows(IllegalArgumentException.class, () -> new PredictorConfig(0, 400, 1e-3, 0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PredictorConfig(3, 400, Double.NaN, 0, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PredictorConfig(3, 400, 1e-3, -1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PredictorConfig(3, 400, 1e-3, 0, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PredictorConfig(3, 400, 1e-3, 0, 1, 0, 0));
    }
}
