package org.compofa.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.compofa.latency.LatencyStats;
import org.compofa.latency.LatencyTable;
import org.compofa.latency.Platform;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;

/** The interim latency model: a least-squares line per resolution, checked by its optimality conditions. */
class MacsLatencyFitTest {
    @Test
    void residualsAreOrthogonalToOneAndMacsAtEveryResolution() {
        SearchSpace space = Comparison.compOfaSpace(0.5, new ResolutionSet(24, 32, 4));
        MobileNetV3Geometry g = MobileNetV3Geometry.smallInput(0.5, 1, 10);
        SplittableRandom rnd = new SplittableRandom(11);
        Map<Subnet, LatencyStats> entries = new LinkedHashMap<>();
        for (Subnet s : space.enumerate()) {
            double ms = 0.3 + 2e-6 * g.macs(s) * rnd.nextDouble(0.8, 1.2) + rnd.nextDouble(0, 0.05);
            entries.put(s, LatencyStats.of(new double[] {ms}));
        }
        LatencyTable t = new LatencyTable(space.id(), new Platform("cpu-b1", "test", "test", 1, 0), entries);
        MacsLatencyFit fit = MacsLatencyFit.fit(t, g);
        for (int r : List.of(24, 28, 32)) {
            double sum = 0;
            double sumX = 0;
            double scale = 0;
            for (var e : entries.entrySet()) {
                if (e.getKey().resolution() == r) {
                    double residual = e.getValue().medianMs() - fit.applyAsDouble(e.getKey());
                    double x = g.macs(e.getKey());
                    sum += residual;
                    sumX += residual * x;
                    scale += x * e.getValue().medianMs();
                }
            }
            assertEquals(0, sum, 1e-9, "residuals sum to zero at r" + r);
            assertEquals(0, sumX / scale, 1e-9, "residuals are orthogonal to MACs at r" + r);
        }
        Subnet other = Comparison.ofaSpace(0.5, ResolutionSet.of(24)).largest(24);
        assertEquals(true, fit.applyAsDouble(other) > fit.applyAsDouble(space.largest(24)),
                "a larger OFA subnet (kernel 7) is predicted slower");
        assertThrows(IllegalArgumentException.class, () -> fit.applyAsDouble(space.largest(24).withResolution(20)));
    }
}
