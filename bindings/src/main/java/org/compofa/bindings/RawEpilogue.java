package org.compofa.bindings;

import static org.compofa.bindings.RawOps.ptr;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The fields of {@code compofa_epilogue} on raw addresses, unchecked (the library validates them):
 * y = act(bn(acc + bias)) per output channel; a 0 address switches its part off (gamma 0 = no batch
 * norm, then beta, runningMean and runningVar are ignored).
 *
 * @param bias        per-channel bias, or 0
 * @param biasLen     floats at bias
 * @param gamma       batch-norm scale, or 0 for none
 * @param beta        batch-norm shift
 * @param runningMean batch-norm running mean
 * @param runningVar  batch-norm running variance
 * @param bnLen       floats of each batch-norm vector
 * @param eps         batch-norm epsilon (> 0 when gamma is set)
 * @param activation  a {@code CompofaNnNative.ACT_*} code
 */
public record RawEpilogue(long bias, long biasLen, long gamma, long beta, long runningMean, long runningVar,
                          long bnLen, float eps, int activation) {

    /**
     * Only an activation.
     *
     * @param activation an {@code ACT_*} code
     * @return the epilogue
     */
    public static RawEpilogue activation(int activation) {
        return new RawEpilogue(0, 0, 0, 0, 0, 0, 0, 0f, activation);
    }

    /**
     * Writes the struct into {@code arena}.
     *
     * @param arena the arena that owns the struct
     * @return the struct
     */
    public MemorySegment write(Arena arena) {
        return CompofaFusedNative.epilogue(arena, ptr(bias), biasLen, ptr(gamma), ptr(beta), ptr(runningMean),
                ptr(runningVar), bnLen, eps, activation);
    }
}
