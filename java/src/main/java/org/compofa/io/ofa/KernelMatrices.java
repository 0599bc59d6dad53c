package org.compofa.io.ofa;

import java.util.Set;

/**
 * Which of OFA's kernel-transform matrices a depthwise layer carries: OFA registers one matrix per
 * step of its sorted kernel list ({@code 7to5_matrix}, {@code 5to3_matrix} for {3, 5, 7}); a
 * fixed-kernel (CompOFA-style) supernet has none and crops the centre.
 *
 * <p>compofa's engine runs the chain {@code w5 = T75 centre5(W7)}, {@code w3 = T53 centre3(w5)}.
 * The two-kernel lists map onto it exactly: {5, 7} is T75 = OFA's matrix with T53 unused (identity);
 * {3, 7} is T75 = identity, T53 = OFA's {@code 7to3_matrix}, because centre3(centre5(W7)) =
 * centre3(W7). A list whose largest kernel is 5 ({@code 5to3_matrix} alone) is not supported.
 */
public enum KernelMatrices {
    /** No matrices: smaller kernels are centre crops. */
    NONE(Set.of(), null, null),
    /** Kernel list {3, 5, 7}: {@code 7to5_matrix} and {@code 5to3_matrix}. */
    K357(Set.of("7to5_matrix", "5to3_matrix"), "7to5_matrix", "5to3_matrix"),
    /** Kernel list {5, 7}: {@code 7to5_matrix} only. */
    K57(Set.of("7to5_matrix"), "7to5_matrix", null),
    /** Kernel list {3, 7}: {@code 7to3_matrix} only. */
    K37(Set.of("7to3_matrix"), null, "7to3_matrix");

    private final Set<String> keys;
    private final String t75Source;
    private final String t53Source;

    KernelMatrices(Set<String> keys, String t75Source, String t53Source) {
        this.keys = keys;
        this.t75Source = t75Source;
        this.t53Source = t53Source;
    }

    /**
     * The matrix key suffixes a layer carries.
     *
     * @return the key suffixes
     */
    public Set<String> keys() {
        return keys;
    }

    /** OFA's matrix that becomes compofa's T75, or null (identity). */
    String t75Source() {
        return t75Source;
    }

    /** OFA's matrix that becomes compofa's T53, or null (identity). */
    String t53Source() {
        return t53Source;
    }

    /** The variant with exactly these matrix keys, or null. */
    static KernelMatrices ofKeys(Set<String> found) {
        for (KernelMatrices m : values()) {
            if (m.keys.equals(found)) {
                return m;
            }
        }
        return null;
    }
}
