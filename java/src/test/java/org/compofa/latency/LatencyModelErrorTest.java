package org.compofa.latency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.compofa.nn.ForwardPiece;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;

/** The error report of a block table against a measured table, on synthetic values (no timing). */
class LatencyModelErrorTest {
    private static final SearchSpace SPACE = SearchSpaces.compOfa(1.0, ResolutionSet.of(9));
    private static final MobileNetV3Geometry TINY = LatencyTableTest.tiny();
    private static final Platform PLATFORM = new Platform("cpu-b1", "test cpu", "compofa test", 1, 0);

    @Test
    void aHandWorkedExample() {
        List<Subnet> four = SPACE.enumerate(9).subList(0, 4);
        // errors +20 %, -10 %, +10 %, 0 %
        LatencyModelError e = LatencyModelError.of(four, new double[] {1, 2, 3, 4}, new double[] {1.2, 1.8, 3.3, 4});
        assertEquals(4, e.subnets());
        assertEquals(10.0, e.meanAbsPercent(), 1e-9);
        assertEquals(20.0, e.maxAbsPercent(), 1e-9);
        assertEquals(four.get(0), e.worst());
        assertEquals(5.0, e.meanPercent(), 1e-9);
        assertEquals(1.0, e.spearman(), 1e-12, "same order");
        assertTrue(e.pearson() > 0.98 && e.pearson() < 1, "nearly linear: " + e.pearson());
        assertTrue(e.summary().contains("mean |error| 10.00 %"), e.summary());
    }

    @Test
    void tiesShareTheirAverageRank() {
        assertArrayEquals(new double[] {3.5, 1, 3.5, 2, 5}, LatencyModelError.ranks(new double[] {5, 1, 5, 3, 7}));
    }

    @Test
    void randomTablesMatchTextbookFormulas() {
        SplittableRandom rnd = new SplittableRandom(41);
        List<Subnet> subnets = SPACE.enumerate(9);
        // A synthetic block table: a random time per piece any subnet of the space needs.
        Map<ForwardPiece, BlockLatencyTable.Entry> pieces = new LinkedHashMap<>();
        BlockLatencyTable shape = new BlockLatencyTable(SPACE.id(), PLATFORM, TINY,
                Map.of(ForwardPiece.stem(9), new BlockLatencyTable.Entry(1, 1)));
        for (Subnet n : subnets) {
            shape.pieces(n).forEach(p -> pieces.computeIfAbsent(p,
                    k -> new BlockLatencyTable.Entry(0.05 + rnd.nextDouble(), 5)));
        }
        BlockLatencyTable model = new BlockLatencyTable(SPACE.id(), PLATFORM, TINY, pieces);
        Map<Subnet, LatencyStats> measured = new LinkedHashMap<>();
        int n = subnets.size();
        double[] m = new double[n];
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = model.predictMs(subnets.get(i));
            m[i] = p[i] * (0.7 + 0.6 * rnd.nextDouble());
            measured.put(subnets.get(i), LatencyStats.of(new double[] {m[i]}));
        }
        LatencyModelError e = LatencyModelError.of(new LatencyTable(SPACE.id(), PLATFORM, measured), model);

        double abs = 0;
        double signed = 0;
        double max = 0;
        for (int i = 0; i < n; i++) {
            double err = (p[i] / m[i] - 1) * 100;
            abs += Math.abs(err) / n;
            signed += err / n;
            max = Math.max(max, Math.abs(err));
        }
        assertEquals(n, e.subnets());
        assertEquals(abs, e.meanAbsPercent(), 1e-9);
        assertEquals(signed, e.meanPercent(), 1e-9);
        assertEquals(max, e.maxAbsPercent(), 1e-9);
        int w = subnets.indexOf(e.worst());
        assertEquals(max, Math.abs(p[w] / m[w] - 1) * 100, 1e-9, "worst is the subnet with the max error");
        // Pearson by the one-pass sums formula; Spearman by 1 - 6 sum d^2 / (n (n^2 - 1)) (no ties).
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < n; i++) {
            sx += m[i];
            sy += p[i];
            sxx += m[i] * m[i];
            syy += p[i] * p[i];
            sxy += m[i] * p[i];
        }
        double pearson = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
        assertEquals(pearson, e.pearson(), 1e-9);
        double d2 = 0;
        for (int i = 0; i < n; i++) {
            int below = 0;
            int belowP = 0;
            for (int j = 0; j < n; j++) {
                below += m[j] < m[i] ? 1 : 0;
                belowP += p[j] < p[i] ? 1 : 0;
            }
            d2 += (double) (below - belowP) * (below - belowP);
        }
        assertEquals(1 - 6 * d2 / ((double) n * ((double) n * n - 1)), e.spearman(), 1e-9);
    }

    @Test
    void mismatchedBatchesAndMissingPiecesAreRefused() {
        List<Subnet> subnets = SPACE.enumerate(9).subList(0, 3);
        Map<Subnet, LatencyStats> measured = new LinkedHashMap<>();
        subnets.forEach(s -> measured.put(s, LatencyStats.of(new double[] {1})));
        BlockLatencyTable stemOnly = new BlockLatencyTable(SPACE.id(), PLATFORM, TINY,
                Map.of(ForwardPiece.stem(9), new BlockLatencyTable.Entry(1, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LatencyModelError.of(
                new LatencyTable(SPACE.id(), PLATFORM, measured), stemOnly));
        assertTrue(e.getMessage().contains("has no entry for stage1.block1"), e.getMessage());
        Platform b8 = new Platform("cpu-b8", "test cpu", "compofa test", 8, 0);
        e = assertThrows(IllegalArgumentException.class,
                () -> LatencyModelError.of(new LatencyTable(SPACE.id(), b8, measured), stemOnly));
        assertTrue(e.getMessage().contains("batches must match"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> LatencyModelError.of(subnets, new double[] {1, 0, 2}, new double[] {1, 1, 1}));
        assertTrue(e.getMessage().contains(subnets.get(1).id()), e.getMessage());
    }
}
