package org.compofa.compare;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.compofa.latency.LatencyTable;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;

/**
 * A latency function for any subnet of the geometry, fitted on a measured table: per resolution, the
 * least-squares line {@code latency = a + b x MACs} through the table's entries at that resolution.
 * The interim latency model of OFA's evolution until the per-block lookup table
 * ({@code org.compofa.latency.BlockLatencyTable}) is on this branch; the comparison reports its error
 * on the subnets OFA's search finds, which are measured exactly.
 */
final class MacsLatencyFit implements ToDoubleFunction<Subnet> {
    private final MobileNetV3Geometry geometry;
    private final Map<Integer, double[]> lineOfResolution;

    private MacsLatencyFit(MobileNetV3Geometry geometry, Map<Integer, double[]> lineOfResolution) {
        this.geometry = geometry;
        this.lineOfResolution = lineOfResolution;
    }

    /**
     * Fits one line per resolution of {@code table}.
     *
     * @throws IllegalArgumentException when a resolution has fewer than two distinct MAC counts
     */
    static MacsLatencyFit fit(LatencyTable table, MobileNetV3Geometry geometry) {
        Objects.requireNonNull(geometry, "geometry");
        Map<Integer, double[]> sums = new HashMap<>(); // n, sx, sy, sxx, sxy
        table.entries().forEach((s, st) -> {
            double x = geometry.macs(s);
            double[] a = sums.computeIfAbsent(s.resolution(), r -> new double[5]);
            a[0]++;
            a[1] += x;
            a[2] += st.medianMs();
            a[3] += x * x;
            a[4] += x * st.medianMs();
        });
        Map<Integer, double[]> lines = new HashMap<>();
        sums.forEach((r, a) -> {
            double det = a[0] * a[3] - a[1] * a[1];
            if (!(det > 1e-9 * a[0] * a[3])) {
                throw new IllegalArgumentException("cannot fit latency against MACs at resolution " + r
                        + ": the table needs at least two subnets with different MACs there");
            }
            double b = (a[0] * a[4] - a[1] * a[2]) / det;
            lines.put(r, new double[] {(a[2] - b * a[1]) / a[0], b});
        });
        return new MacsLatencyFit(geometry, lines);
    }

    /**
     * The fitted latency (ms, at least 0) of {@code subnet}.
     *
     * @throws IllegalArgumentException when the table had no entry at the subnet's resolution
     */
    @Override
    public double applyAsDouble(Subnet subnet) {
        double[] line = lineOfResolution.get(subnet.resolution());
        if (line == null) {
            throw new IllegalArgumentException("no latency fit at resolution " + subnet.resolution() + " (fitted: "
                    + lineOfResolution.keySet() + ")");
        }
        return Math.max(0, line[0] + line[1] * geometry.macs(subnet));
    }
}
