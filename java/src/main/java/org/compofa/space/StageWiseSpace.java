package org.compofa.space;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * A {@link SearchSpace} given by one {@link StageRule} per stage: the OFA, CompOFA and
 * CompOFA-elastic-kernel spaces are instances (see {@link SearchSpaces}). Equal spaces have equal
 * ids, rules, resolutions, slots and width.
 */
public final class StageWiseSpace implements SearchSpace {
    private final String id;
    private final String displayName;
    private final double widthMultiplier;
    private final ResolutionSet resolutions;
    private final List<StageRule> rules;
    private final int slotsPerStage;

    /**
     * A space of one rule per stage.
     *
     * @param id the name that encodes this configuration (different spaces should have different ids)
     * @param displayName short name for messages, e.g. "CompOFA"
     * @param widthMultiplier the supernet width multiplier
     * @param resolutions the allowed resolutions
     * @param rules one rule per stage
     * @param slotsPerStage block slots per stage (the supernet's depth), at least every rule's largest depth
     */
    public StageWiseSpace(String id, String displayName, double widthMultiplier, ResolutionSet resolutions,
            List<StageRule> rules, int slotsPerStage) {
        this.id = Objects.requireNonNull(id, "id");
        this.displayName = Objects.requireNonNull(displayName, "displayName");
        this.resolutions = Objects.requireNonNull(resolutions, "resolutions");
        this.rules = List.copyOf(rules);
        if (!(widthMultiplier > 0)) {
            throw new IllegalArgumentException("width multiplier " + widthMultiplier + ": must be > 0");
        }
        int deepest = this.rules.stream().mapToInt(r -> r.depths().getLast()).max().orElse(0);
        if (this.rules.isEmpty() || slotsPerStage < deepest || slotsPerStage > Subnet.MAX_DIGIT) {
            throw new IllegalArgumentException(slotsPerStage + " slots per stage for " + this.rules.size()
                    + " stages: need at least one stage and deepest depth " + deepest + " <= slots <= " + Subnet.MAX_DIGIT);
        }
        this.widthMultiplier = widthMultiplier;
        this.slotsPerStage = slotsPerStage;
    }

    @Override public String id() { return id; }
    @Override public double widthMultiplier() { return widthMultiplier; }
    @Override public ResolutionSet resolutions() { return resolutions; }
    @Override public int stages() { return rules.size(); }
    @Override public int slotsPerStage() { return slotsPerStage; }
    @Override public List<StageRule> rules() { return rules; }

    @Override
    public boolean contains(Subnet subnet) {
        return subnet != null && violation(subnet.depths(), subnet.kernels(), subnet.expands(), subnet.resolution()) == null;
    }

    @Override
    public Subnet validate(Subnet subnet) {
        Objects.requireNonNull(subnet, "subnet");
        String why = violation(subnet.depths(), subnet.kernels(), subnet.expands(), subnet.resolution());
        if (why != null) {
            throw new InvalidSubnetException(why);
        }
        return subnet;
    }

    @Override
    public Subnet subnet(int[] depths, int[] kernels, int[] expands, int resolution) {
        Objects.requireNonNull(depths, "depths");
        Objects.requireNonNull(kernels, "kernels");
        Objects.requireNonNull(expands, "expands");
        String why = violation(depths, kernels, expands, resolution);
        if (why != null) {
            throw new InvalidSubnetException(why);
        }
        return new Subnet(depths, kernels, expands, resolution);
    }

    /** The first reason the arrays are not in this space, or null if they are. */
    private String violation(int[] depths, int[] kernels, int[] expands, int resolution) {
        int slots = stages() * slotsPerStage;
        if (depths.length != stages() || kernels.length != slots || expands.length != slots) {
            return "layout " + depths.length + " depths / " + kernels.length + " kernels / " + expands.length
                    + " expands: " + id + " needs " + stages() + " depths and " + slots + " kernels and expands ("
                    + stages() + " stages x " + slotsPerStage + " slots)";
        }
        for (int s = 0; s < stages(); s++) {
            StageRule rule = rules.get(s);
            int d = depths[s];
            if (!rule.depths().contains(d)) {
                return "stage " + (s + 1) + " depth " + d + ": allowed " + StageRule.join(rule.depths());
            }
            for (int b = 0; b < d; b++) {
                int k = kernels[s * slotsPerStage + b];
                int e = expands[s * slotsPerStage + b];
                if (!rule.kernels().contains(k)) {
                    return Subnet.where(s, b) + " kernel " + k + ": " + allowedKernels(s);
                }
                if (!rule.expands(d).contains(e)) {
                    return rule.isCompound()
                            ? Subnet.where(s, b) + ": expand " + e + " with depth " + d + " is not in the "
                                    + displayName + " compound space: allowed " + rule.describePairs()
                            : Subnet.where(s, b) + " expand " + e + ": allowed " + StageRule.join(rule.expands(d));
                }
            }
        }
        if (!resolutions.contains(resolution)) {
            return "resolution " + resolution + ": " + id + " " + resolutions.describe();
        }
        return null;
    }

    private String allowedKernels(int stage) {
        List<Integer> here = rules.get(stage).kernels();
        boolean allFixed = rules.stream().allMatch(r -> r.kernels().size() == 1);
        if (!allFixed) {
            return "allowed " + StageRule.join(here);
        }
        String perStage = rules.stream().map(r -> String.valueOf(r.kernels().getFirst())).collect(Collectors.joining(", "));
        return displayName + " fixes kernel " + here.getFirst() + " in stage " + (stage + 1)
                + " (per-stage kernels " + perStage + ")";
    }

    @Override
    public BigInteger sizePerResolution() {
        return rules.stream().map(StageRule::configurations).reduce(BigInteger.ONE, BigInteger::multiply);
    }

    @Override
    public List<Subnet> enumerate(int resolution) {
        if (!resolutions.contains(resolution)) {
            throw new InvalidSubnetException("resolution " + resolution + ": " + id + " " + resolutions.describe());
        }
        BigInteger n = sizePerResolution();
        if (n.compareTo(BigInteger.valueOf(ENUMERATION_LIMIT)) > 0) {
            throw new SpaceTooLargeException(id, n, ENUMERATION_LIMIT);
        }
        List<List<int[][]>> perStage = new ArrayList<>();
        for (StageRule rule : rules) {
            perStage.add(stageConfigurations(rule));
        }
        List<Subnet> out = new ArrayList<>(n.intValueExact());
        int[] choice = new int[stages()];
        int slots = stages() * slotsPerStage;
        while (true) {
            int[] d = new int[stages()];
            int[] k = new int[slots];
            int[] e = new int[slots];
            for (int s = 0; s < stages(); s++) {
                int[][] config = perStage.get(s).get(choice[s]);
                d[s] = config[0][0];
                System.arraycopy(config[1], 0, k, s * slotsPerStage, config[1].length);
                System.arraycopy(config[2], 0, e, s * slotsPerStage, config[2].length);
            }
            out.add(new Subnet(d, k, e, resolution));
            int s = stages() - 1;
            while (s >= 0 && ++choice[s] == perStage.get(s).size()) {
                choice[s--] = 0;
            }
            if (s < 0) {
                return Collections.unmodifiableList(out);
            }
        }
    }

    /** Each configuration of one stage as {{depth}, kernels[depth], expands[depth]}. */
    private static List<int[][]> stageConfigurations(StageRule rule) {
        List<int[][]> configs = new ArrayList<>();
        for (int d : rule.depths()) {
            List<Integer> ks = rule.kernels();
            List<Integer> es = rule.expands(d);
            int perSlot = ks.size() * es.size();
            int[] digit = new int[d];
            do {
                int[] k = new int[d];
                int[] e = new int[d];
                for (int b = 0; b < d; b++) {
                    k[b] = ks.get(digit[b] / es.size());
                    e[b] = es.get(digit[b] % es.size());
                }
                configs.add(new int[][] {{d}, k, e});
            } while (advance(digit, perSlot));
        }
        return configs;
    }

    /** Odometer step over digits in [0, base); false once it wraps to all zeros. */
    private static boolean advance(int[] digit, int base) {
        for (int i = digit.length - 1; i >= 0; i--) {
            if (++digit[i] < base) {
                return true;
            }
            digit[i] = 0;
        }
        return false;
    }

    @Override
    public Subnet sample(RandomGenerator rnd, int resolution) {
        Objects.requireNonNull(rnd, "rnd");
        int slots = stages() * slotsPerStage;
        int[] d = new int[stages()];
        int[] k = new int[slots];
        int[] e = new int[slots];
        for (int s = 0; s < stages(); s++) {
            StageRule rule = rules.get(s);
            d[s] = pick(rule.depths(), rnd);
            for (int b = 0; b < d[s]; b++) {
                k[s * slotsPerStage + b] = pick(rule.kernels(), rnd);
                e[s * slotsPerStage + b] = pick(rule.expands(d[s]), rnd);
            }
        }
        return subnet(d, k, e, resolution);
    }

    private static int pick(List<Integer> values, RandomGenerator rnd) {
        return values.get(rnd.nextInt(values.size()));
    }

    @Override
    public Subnet largest(int resolution) {
        return extreme(resolution, true);
    }

    @Override
    public Subnet smallest(int resolution) {
        return extreme(resolution, false);
    }

    private Subnet extreme(int resolution, boolean largest) {
        int slots = stages() * slotsPerStage;
        int[] d = new int[stages()];
        int[] k = new int[slots];
        int[] e = new int[slots];
        for (int s = 0; s < stages(); s++) {
            StageRule rule = rules.get(s);
            d[s] = largest ? rule.depths().getLast() : rule.depths().getFirst();
            List<Integer> es = rule.expands(d[s]);
            for (int b = 0; b < d[s]; b++) {
                k[s * slotsPerStage + b] = largest ? rule.kernels().getLast() : rule.kernels().getFirst();
                e[s * slotsPerStage + b] = largest ? es.getLast() : es.getFirst();
            }
        }
        return subnet(d, k, e, resolution);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StageWiseSpace other && id.equals(other.id) && rules.equals(other.rules)
                && resolutions.equals(other.resolutions) && slotsPerStage == other.slotsPerStage
                && Double.compare(widthMultiplier, other.widthMultiplier) == 0;
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    /** The {@link #id()}. */
    @Override
    public String toString() {
        return id;
    }
}
