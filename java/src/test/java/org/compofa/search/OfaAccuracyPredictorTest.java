package org.compofa.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.compofa.io.torch.TorchCheckpoint;
import org.compofa.io.torch.TorchCheckpointException;
import org.compofa.io.torch.TorchTensor;
import org.compofa.io.torch.TorchTensor.ElementType;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OFA's released accuracy predictor: its 40 reference predictions (from {@code ../shared/fixtures/ofa},
 * skipped when absent, like {@code TorchOfaFixturesTest}), a seeded synthetic predictor against a
 * naive dense forward pass (runs in a plain clone), bad state dicts, and a search that uses it.
 */
class OfaAccuracyPredictorTest {
    /** OFA's predictions are float32 outputs near 0.8; ours differ by rounding only (~1e-7). */
    private static final double FIXTURE_TOLERANCE = 1e-5;
    private static final Pattern CASE = Pattern.compile("\\{\"subnet\":\\{\"ks\":\\[([0-9,]+)],\"e\":\\[([0-9,]+)],"
            + "\"d\":\\[([0-9,]+)]},\"resolution\":([0-9]+),\"predicted\":([-+0-9.eE]+)}");

    /** The shared fixture directory, or the test is skipped. */
    private static Path fixtures() {
        return org.compofa.testing.SharedFixtures.ofa();
    }

    /** The released predictor, after checking its sha256 against the manifest. */
    private static Path releasedPredictor(Path dir) throws Exception {
        Path file = dir.resolve("acc_predictor.pth");
        assumeTrue(Files.isRegularFile(file), "acc_predictor.pth absent");
        String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        assertTrue(Files.readString(dir.resolve("manifest.json")).contains("\"" + hex + "\""),
                "acc_predictor.pth sha256 " + hex + " is not in the manifest");
        return file;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void reproducesOfasFortyPredictions() throws Exception {
        Path dir = fixtures();
        Path file = releasedPredictor(dir);
        assertTrue(OfaAccuracyPredictor.looksLikeOfaPredictor(TorchCheckpoint.stateDict(file)));
        OfaAccuracyPredictor predictor = OfaAccuracyPredictor.load(file);
        String manifest = Files.readString(dir.resolve("manifest.json"));
        String section = manifest.substring(manifest.indexOf("\"accuracy_predictor\"")).replaceAll("\\s", "");
        Matcher m = CASE.matcher(section);
        int cases = 0;
        double worst = 0;
        while (m.find()) {
            int[] ks = ints(m.group(1));
            int[] e = ints(m.group(2));
            int[] d = ints(m.group(3));
            int r = Integer.parseInt(m.group(4));
            double expected = Double.parseDouble(m.group(5));
            Subnet s = new Subnet(d, ks, e, r);
            double got = predictor.predictFraction(s);
            worst = Math.max(worst, Math.abs(got - expected));
            assertEquals(expected, got, FIXTURE_TOLERANCE, "case " + cases + " " + s.id());
            assertEquals(100 * got, predictor.applyAsDouble(s), 0.0, "percent is 100 x the fraction");
            cases++;
        }
        assertEquals(40, cases, "cases parsed from the manifest");
        System.out.printf("OfaAccuracyPredictorTest: 40 OFA predictions, max |ours - OFA| = %.3g%n", worst);
    }

    /** A predictor-shaped state dict with nn.Linear-like seeded weights. */
    private static Map<String, TorchTensor> syntheticStateDict(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, TorchTensor> sd = new LinkedHashMap<>();
        int[] widths = {128, 400, 400, 400, 1};
        for (int l = 0; l < 4; l++) {
            int in = widths[l];
            int out = widths[l + 1];
            double bound = 1 / Math.sqrt(in);
            float[] w = new float[out * in];
            float[] b = new float[out];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextDouble(-3 * bound, 3 * bound);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextDouble(-bound, bound);
            }
            sd.put(2 * l + ".weight", new TorchTensor(ElementType.FLOAT32, new int[] {out, in}, w, null));
            sd.put(2 * l + ".bias", new TorchTensor(ElementType.FLOAT32, new int[] {out}, b, null));
        }
        return sd;
    }

    /** Dense matrix-vector products over all 128 inputs, weights {@code [out, in]} as torch stores them. */
    private static double naiveForward(Map<String, TorchTensor> sd, float[] features) {
        double[] h = new double[features.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = features[i];
        }
        for (int l = 0; l < 4; l++) {
            TorchTensor w = sd.get(2 * l + ".weight");
            float[] b = sd.get(2 * l + ".bias").floats();
            int out = w.shape()[0];
            int in = w.shape()[1];
            double[] next = new double[out];
            for (int o = 0; o < out; o++) {
                double a = b[o];
                for (int i = 0; i < in; i++) {
                    a += (double) w.floats()[o * in + i] * h[i];
                }
                next[o] = l < 3 && a < 0 ? 0 : a;
            }
            h = next;
        }
        return h[0];
    }

    @Test
    void syntheticPredictorMatchesNaiveForward() throws Exception {
        Map<String, TorchTensor> sd = syntheticStateDict(77);
        OfaAccuracyPredictor p = OfaAccuracyPredictor.fromStateDict(Path.of("synthetic"), sd);
        SplittableRandom rnd = new SplittableRandom(5);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int n = 0; n < 97; n++) {
            var raw = OfaTutorialEncodingTest.Raw.random(rnd);
            double expected = naiveForward(sd, OfaTutorialEncodingTest.spec2feats(raw.ks(), raw.e(), raw.d(), raw.r()));
            double got = p.predictFraction(raw.subnet());
            // same float32 weights, double sums: only the order of additions may differ
            assertEquals(expected, got, 1e-12 * Math.max(1, Math.abs(expected)), raw.subnet().id());
            min = Math.min(min, got);
            max = Math.max(max, got);
        }
        assertTrue(max - min > 0.1, "outputs spread " + min + " to " + max + ": the subnets must be told apart");
    }

    private static OfaPredictorFileException.Reason failure(Consumer<Map<String, TorchTensor>> edit) {
        Map<String, TorchTensor> sd = syntheticStateDict(3);
        edit.accept(sd);
        var e = assertThrows(OfaPredictorFileException.class,
                () -> OfaAccuracyPredictor.fromStateDict(Path.of("bad.pth"), sd));
        assertTrue(e.getMessage().startsWith("OFA accuracy predictor bad.pth: "), e.getMessage());
        return e.reason();
    }

    @Test
    void badStateDictsGiveTypedErrors() {
        TorchTensor w0 = syntheticStateDict(3).get("0.weight");
        assertEquals(OfaPredictorFileException.Reason.WRONG_KEYS, failure(sd -> sd.remove("4.bias")));
        assertEquals(OfaPredictorFileException.Reason.WRONG_KEYS, failure(sd -> sd.put("8.weight", w0)));
        assertEquals(OfaPredictorFileException.Reason.WRONG_KEYS,
                failure(sd -> sd.put("module.extra", sd.remove("6.bias"))));
        assertEquals(OfaPredictorFileException.Reason.SHAPE_MISMATCH, failure(sd -> sd.put("0.weight",
                new TorchTensor(ElementType.FLOAT32, new int[] {128, 400}, w0.floats(), null))));
        assertEquals(OfaPredictorFileException.Reason.SHAPE_MISMATCH, failure(sd -> sd.put("6.bias",
                new TorchTensor(ElementType.FLOAT32, new int[] {}, new float[] {0.5f}, null))));
        assertEquals(OfaPredictorFileException.Reason.SHAPE_MISMATCH, failure(sd -> sd.put("2.weight",
                new TorchTensor(ElementType.FLOAT32, new int[] {400, 399}, new float[400 * 399], null))));
        assertEquals(OfaPredictorFileException.Reason.NOT_FLOATING, failure(sd -> sd.put("2.bias",
                new TorchTensor(ElementType.INT64, new int[] {400}, null, new long[400]))));
        assertEquals(OfaPredictorFileException.Reason.NON_FINITE, failure(sd -> {
            float[] b = new float[400];
            b[123] = Float.NaN;
            sd.put("4.bias", new TorchTensor(ElementType.FLOAT32, new int[] {400}, b, null));
        }));
        assertFalse(OfaAccuracyPredictor.looksLikeOfaPredictor(Map.of("first_conv.conv.weight", w0)));
    }

    @Test
    void badFilesGiveTypedErrors(@TempDir Path tmp) throws Exception {
        // a readable state dict (TorchCheckpointTest's fixture), but not a predictor
        Path checkpoint = Path.of(getClass().getResource("/torch/zip_bare.pth").toURI());
        var wrongKeys = assertThrows(OfaPredictorFileException.class, () -> OfaAccuracyPredictor.load(checkpoint));
        assertEquals(OfaPredictorFileException.Reason.WRONG_KEYS, wrongKeys.reason());
        String message = wrongKeys.getMessage();
        assertTrue(message.contains("missing [0.weight") && message.contains("conv.weight"), message);
        assertFalse(OfaAccuracyPredictor.looksLikeOfaPredictor(TorchCheckpoint.stateDict(checkpoint)));
        Path text = Files.writeString(tmp.resolve("notes.pth"), "not a checkpoint at all\n");
        assertThrows(TorchCheckpointException.class, () -> OfaAccuracyPredictor.load(text));
    }

    @Test
    void evolutionSearchRunsOnTheReleasedPredictor() throws Exception {
        OfaAccuracyPredictor predictor = OfaAccuracyPredictor.load(releasedPredictor(fixtures()));
        SearchSpace space = SearchSpaces.ofaMbv3(1.0);
        SyntheticArchitectures latency = new SyntheticArchitectures(5, 5);
        double budget = 0.5 * (latency.latencyMs(space.smallest(160)) + latency.latencyMs(space.largest(224)));
        EvolutionConfig config = new EvolutionConfig(32, 12, 0.25, 0.5, 0.1, 200, 41);
        SearchResult result = new EvolutionSearch("synthetic", space, predictor.checkSpace(space), latency::latencyMs,
                config).search(budget);
        Candidate best = result.best();
        assertTrue(space.contains(best.subnet()), best.subnet().id());
        assertTrue(best.latencyMs() <= budget, best.latencyMs() + " ms over the budget " + budget);
        assertEquals(predictor.predict(best.subnet()), best.top1(), 0.0, "the search ranks by the predictor");
        assertTrue(best.top1() > 60 && best.top1() < 90, "top-1 " + best.top1() + " % of an OFA w1.0 subnet");
    }
}
