package org.compofa.latency;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.compofa.nn.ForwardPiece;
import org.compofa.nn.LayerTimer;
import org.compofa.nn.Network;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.SearchSpace;
import org.compofa.space.StageRule;
import org.compofa.space.Subnet;

/**
 * Measures a {@link BlockLatencyTable} by timing a small covering set of subnets with
 * {@link Network#forwardTimed} in EVAL mode, instead of every subnet of the space.
 *
 * <p>Covering set, per resolution: a block slot's cost depends only on its own kernel and expand
 * ratio (its input width and side are fixed by its position and the resolution), so it is enough
 * that every (stage, slot, kernel, expand) the space can run is active in some timed subnet. For
 * each stage the builder lists, for each expand ratio e the stage allows, the deepest depth that
 * allows e, and pairs it with each kernel: (depth, e, k) with every active slot at k and e covers
 * every slot that can ever run (k, e). Subnet i takes stage s's entry i mod (its count), so the set
 * has as many subnets as the largest per-stage list: 9 for OFA and elastic-kernel CompOFA, 3 for
 * CompOFA, per resolution. Each is run {@code warmup} times untimed, then {@code repeats} times
 * timed; a piece's entry is the median of all its timed runs (at least {@code repeats}).
 */
public final class BlockLatencyTableBuilder {
    private BlockLatencyTableBuilder() {
    }

    /**
     * Measures the table by timing the covering subnets.
     *
     * @param net         the network whose pieces are timed (its subnets must include the space's)
     * @param space       the space to cover
     * @param resolutions resolutions to measure, each in the space
     * @param platform    where it runs; its batch is the images per pass
     * @param warmup      untimed passes per covering subnet, >= 0
     * @param repeats     timed passes per covering subnet, >= 1
     * @return the table, one entry per piece run
     * @throws IllegalArgumentException for a resolution outside the space, no resolutions or bad counts
     */
    public static BlockLatencyTable build(Network net, SearchSpace space, List<Integer> resolutions,
                                          Platform platform, int warmup, int repeats) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(platform, "platform");
        if (warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("warm-up " + warmup + " >= 0 and repeats " + repeats + " >= 1 needed");
        }
        if (resolutions.isEmpty()) {
            throw new IllegalArgumentException("no resolutions to measure: allowed " + space.resolutions().values());
        }
        for (int r : resolutions) {
            if (!space.resolutions().contains(r)) {
                throw new IllegalArgumentException("resolution " + r + " is not in " + space.id() + ": allowed "
                        + space.resolutions().values());
            }
        }
        Map<ForwardPiece, List<Double>> samples = new LinkedHashMap<>();
        LayerTimer keep = (piece, nanos) -> samples.computeIfAbsent(piece, p -> new ArrayList<>()).add(nanos / 1e6);
        LayerTimer drop = (piece, nanos) -> { };
        try (Workspace ws = new Workspace(net.context())) {
            for (int r : resolutions) {
                try (Tensor x = images(net, platform.batch(), r)) {
                    for (Subnet s : coveringSubnets(space, r)) {
                        for (int i = 0; i < warmup + repeats; i++) {
                            try (Pass p = Pass.eval(ws)) {
                                net.forwardTimed(p, s, x, i < warmup ? drop : keep);
                            }
                        }
                    }
                }
            }
        }
        Map<ForwardPiece, BlockLatencyTable.Entry> entries = new LinkedHashMap<>();
        samples.forEach((piece, ms) -> {
            LatencyStats st = LatencyStats.of(ms.stream().mapToDouble(Double::doubleValue).toArray());
            entries.put(piece, new BlockLatencyTable.Entry(st.medianMs(), st.samples()));
        });
        return new BlockLatencyTable(space.id(), platform, net.spec().geometry(), entries);
    }

    /** The timers' input ({@link SubnetTimer#input}) as NHWC images [batch][r][r][channels]. */
    private static Tensor images(Network net, int batch, int r) {
        int c = net.spec().geometry().inputChannels();
        float[] data = SubnetTimer.input(batch * r * r * c, r);
        return Tensor.of(net.context(), Layout.NHWC, data, batch, r, r, c);
    }

    /** The covering subnets of {@code space} at {@code resolution} (see the class comment). */
    static List<Subnet> coveringSubnets(SearchSpace space, int resolution) {
        List<List<int[]>> perStage = new ArrayList<>();
        for (StageRule rule : space.rules()) {
            TreeSet<Integer> expands = new TreeSet<>();
            rule.depths().forEach(d -> expands.addAll(rule.expands(d)));
            List<int[]> configs = new ArrayList<>();
            for (int e : expands) {
                int deepest = rule.depths().stream().filter(d -> rule.expands(d).contains(e)).mapToInt(d -> d)
                        .max().orElseThrow();
                rule.kernels().forEach(k -> configs.add(new int[] {deepest, e, k}));
            }
            perStage.add(configs);
        }
        int count = perStage.stream().mapToInt(List::size).max().orElseThrow();
        int stages = space.stages();
        int slots = space.slotsPerStage();
        List<Subnet> subnets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] depths = new int[stages];
            int[] kernels = new int[stages * slots];
            int[] expands = new int[stages * slots];
            for (int s = 0; s < stages; s++) {
                int[] c = perStage.get(s).get(i % perStage.get(s).size());
                depths[s] = c[0];
                for (int b = 0; b < slots; b++) {
                    kernels[s * slots + b] = c[2];
                    expands[s * slots + b] = c[1];
                }
            }
            subnets.add(space.subnet(depths, kernels, expands, resolution));
        }
        return subnets;
    }
}
