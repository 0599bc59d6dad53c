package org.compofa.search;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.compofa.space.SearchSpace;
import org.compofa.space.StageRule;
import org.compofa.space.Subnet;

/**
 * Mutation and crossover that always give subnets of one space, including compound ones where the
 * depth decides the allowed expand ratios (reference §4, §6.3). A choice the new depth does not
 * allow is redrawn among the allowed ones, so in CompOFA a depth change redraws the stage's expand
 * ratios, as CompOFA's {@code ArchManager} does.
 */
final class Variation {
    private final SearchSpace space;

    Variation(SearchSpace space) {
        this.space = Objects.requireNonNull(space, "space");
    }

    /**
     * A copy of {@code parent} in which each stage depth, each active slot's kernel and expand ratio,
     * and the resolution is redrawn uniformly with probability {@code p}; slots that become active
     * and expand ratios the new depth forbids are always drawn.
     */
    Subnet mutate(Subnet parent, double p, RandomGenerator rnd) {
        int slots = space.slotsPerStage();
        int[] d = new int[space.stages()];
        int[] k = new int[d.length * slots];
        int[] e = new int[d.length * slots];
        for (int s = 0; s < d.length; s++) {
            StageRule rule = space.rules().get(s);
            d[s] = rnd.nextDouble() < p ? pick(rule.depths(), rnd) : parent.depth(s);
            List<Integer> expands = rule.expands(d[s]);
            for (int b = 0; b < d[s]; b++) {
                int pk = parent.kernel(s, b);
                int pe = parent.expand(s, b);
                boolean redrawK = rnd.nextDouble() < p;
                boolean redrawE = rnd.nextDouble() < p;
                k[s * slots + b] = pk == Subnet.INACTIVE || redrawK ? pick(rule.kernels(), rnd) : pk;
                e[s * slots + b] = !expands.contains(pe) || redrawE ? pick(expands, rnd) : pe;
            }
        }
        int r = rnd.nextDouble() < p ? space.resolutions().sample(rnd) : parent.resolution();
        return space.subnet(d, k, e, r);
    }

    /**
     * A child taking each choice from one of the parents at random: per stage the depth, then per
     * active slot the kernel and the expand ratio from a parent whose slot is active and (for the
     * expand ratio) allowed at that depth; the resolution from either.
     */
    Subnet crossover(Subnet a, Subnet b, RandomGenerator rnd) {
        int slots = space.slotsPerStage();
        int[] d = new int[space.stages()];
        int[] k = new int[d.length * slots];
        int[] e = new int[d.length * slots];
        for (int s = 0; s < d.length; s++) {
            d[s] = rnd.nextBoolean() ? a.depth(s) : b.depth(s);
            List<Integer> expands = space.rules().get(s).expands(d[s]);
            for (int i = 0; i < d[s]; i++) {
                int ka = a.kernel(s, i);
                int kb = b.kernel(s, i);
                k[s * slots + i] = either(ka, ka != Subnet.INACTIVE, kb, kb != Subnet.INACTIVE, rnd);
                int ea = a.expand(s, i);
                int eb = b.expand(s, i);
                e[s * slots + i] = either(ea, expands.contains(ea), eb, expands.contains(eb), rnd);
            }
        }
        int r = rnd.nextBoolean() ? a.resolution() : b.resolution();
        return space.subnet(d, k, e, r);
    }

    /** One of two values, each only if usable; at least one is (the parent that gave the depth). */
    private static int either(int x, boolean xOk, int y, boolean yOk, RandomGenerator rnd) {
        if (xOk && yOk) {
            return rnd.nextBoolean() ? x : y;
        }
        if (!xOk && !yOk) {
            throw new IllegalStateException("neither parent has a usable choice: the parents are not in the space");
        }
        return xOk ? x : y;
    }

    private static int pick(List<Integer> values, RandomGenerator rnd) {
        return values.get(rnd.nextInt(values.size()));
    }
}
