package org.compofa.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.SearchSpace;
import org.compofa.space.StageRule;
import org.compofa.space.Subnet;

/**
 * The accuracy predictor's input: OFA's one-hot architecture encoding (reference §6.2), defined by
 * a {@link SearchSpace} so the same code serves the OFA and CompOFA spaces.
 *
 * <p>Layout: for every block slot (stage-major) a one-hot of its kernel among the stage's allowed
 * kernels; then for every slot a one-hot of its expand ratio among the expand ratios the stage
 * allows at any depth; then a one-hot of the resolution among the space's resolutions. Inactive
 * slots are all zeros, so the depth is implied. For {@code ofa_mbv3_d234_e346_k357} at the 8
 * resolutions 112, 128, ..., 224 this is the 60 + 60 + 8 = 128 inputs of OFA's tutorial predictor, in
 * the same order; at other resolution sets it is not (OFA bins resolutions 16 px wide): OFA's released
 * predictor uses {@link OfaTutorialEncoding}.
 */
public final class ArchitectureEncoding {
    private final SearchSpace space;
    private final int[][] kernelChoices;
    private final int[][] expandChoices;
    private final int[] kernelOffset;
    private final int[] expandOffset;
    private final int resolutionOffset;
    private final int dimension;

    /**
     * The encoding of {@code space}'s subnets.
     *
     * @param space the space whose subnets are encoded
     */
    public ArchitectureEncoding(SearchSpace space) {
        this.space = Objects.requireNonNull(space, "space");
        int stages = space.stages();
        int slots = space.slotsPerStage();
        kernelChoices = new int[stages][];
        expandChoices = new int[stages][];
        for (int s = 0; s < stages; s++) {
            StageRule rule = space.rules().get(s);
            kernelChoices[s] = rule.kernels().stream().mapToInt(Integer::intValue).toArray();
            TreeSet<Integer> expands = new TreeSet<>();
            rule.depths().forEach(d -> expands.addAll(rule.expands(d)));
            expandChoices[s] = expands.stream().mapToInt(Integer::intValue).toArray();
        }
        kernelOffset = new int[stages * slots];
        expandOffset = new int[stages * slots];
        int at = 0;
        for (int i = 0; i < stages * slots; i++) {
            kernelOffset[i] = at;
            at += kernelChoices[i / slots].length;
        }
        for (int i = 0; i < stages * slots; i++) {
            expandOffset[i] = at;
            at += expandChoices[i / slots].length;
        }
        resolutionOffset = at;
        dimension = at + space.resolutions().size();
    }

    /**
     * The space whose subnets this encodes.
     *
     * @return the space
     */
    public SearchSpace space() {
        return space;
    }

    /**
     * Number of inputs.
     *
     * @return the input dimension
     */
    public int dimension() {
        return dimension;
    }

    /**
     * The indices of the ones of {@code subnet}'s encoding, increasing (all other inputs are zero).
     *
     * @param subnet a subnet of the space
     * @return input indices that are one
     * @throws InvalidSubnetException if the subnet is not in this encoding's space, naming the space
     */
    public int[] ones(Subnet subnet) {
        Objects.requireNonNull(subnet, "subnet");
        try {
            space.validate(subnet);
        } catch (InvalidSubnetException e) {
            throw new InvalidSubnetException("subnet " + subnet.id() + " is not in " + space.id()
                    + ", the space this encoding was built for: " + e.getMessage());
        }
        int slots = space.slotsPerStage();
        List<Integer> kernelOnes = new ArrayList<>();
        List<Integer> expandOnes = new ArrayList<>();
        for (int s = 0; s < space.stages(); s++) {
            for (int b = 0; b < subnet.depth(s); b++) {
                int i = s * slots + b;
                kernelOnes.add(kernelOffset[i] + indexOf(kernelChoices[s], subnet.kernel(s, b)));
                expandOnes.add(expandOffset[i] + indexOf(expandChoices[s], subnet.expand(s, b)));
            }
        }
        int r = space.resolutions().values().indexOf(subnet.resolution());
        int[] out = new int[kernelOnes.size() + expandOnes.size() + 1];
        int n = 0;
        for (int k : kernelOnes) {
            out[n++] = k;
        }
        for (int e : expandOnes) {
            out[n++] = e;
        }
        out[n] = resolutionOffset + r;
        return out;
    }

    /**
     * The dense encoding of {@code subnet} written into {@code row} (length {@link #dimension()}).
     *
     * @param subnet a subnet of the space
     * @param row receives the encoding
     * @param offset where in row it starts
     */
    public void encode(Subnet subnet, float[] row, int offset) {
        int[] ones = ones(subnet);
        java.util.Arrays.fill(row, offset, offset + dimension, 0f);
        for (int i : ones) {
            row[offset + i] = 1f;
        }
    }

    /**
     * The dense encoding of {@code subnet}.
     *
     * @param subnet a subnet of the space
     * @return a new array of {@link #dimension()} zeros and ones
     */
    public float[] encode(Subnet subnet) {
        float[] row = new float[dimension];
        encode(subnet, row, 0);
        return row;
    }

    private static int indexOf(int[] values, int v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        throw new IllegalStateException(v + " missing from " + java.util.Arrays.toString(values)
                + " although the space validated it");
    }
}
