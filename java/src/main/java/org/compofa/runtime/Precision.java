package org.compofa.runtime;

import org.compofa.bindings.CompofaSettingsNative;

/**
 * The arithmetic of a context's GEMMs ({@code compofa_context_set_precision}). TF32 and BF16 run the
 * CUDA backend's tensor-core kernel: each operand is rounded to the format as it is loaded, the
 * products are summed in fp32, and every tensor (weights, gradients, momentum) stays fp32 in memory,
 * so the supernet's weights remain the fp32 master copy that every subnet slices in place. The
 * REFERENCE and CPU backends accept every setting and compute fp32.
 */
public enum Precision {
    /** IEEE fp32 products and sums (the default). */
    FP32(CompofaSettingsNative.PRECISION_FP32),
    /** Operands rounded to TF32 (10-bit mantissa, fp32 range), fp32 sums. */
    TF32(CompofaSettingsNative.PRECISION_TF32),
    /** Operands rounded to bfloat16 (7-bit mantissa, fp32 range), fp32 sums. */
    BF16(CompofaSettingsNative.PRECISION_BF16);

    private final int code;

    Precision(int code) {
        this.code = code;
    }

    /**
     * The ABI's {@code compofa_precision} value.
     *
     * @return the code passed to the C ABI
     */
    public int code() {
        return code;
    }

    static Precision of(int code) {
        for (Precision p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        throw new IllegalStateException("the library reported precision " + code + ", unknown to this version");
    }

    /**
     * Parses fp32, tf32 or bf16 (any case).
     *
     * @param s {@code fp32}, {@code tf32} or {@code bf16}, any case
     * @return the precision named
     * @throws IllegalArgumentException for another name
     */
    public static Precision parse(String s) {
        for (Precision p : values()) {
            if (p.name().equalsIgnoreCase(s.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision '" + s + "': allowed fp32, tf32, bf16");
    }
}
