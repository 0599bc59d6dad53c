package org.compofa.ops;

import org.compofa.bindings.CompofaNative;

/** How the active k x k depthwise kernel is derived from the stored kMax x kMax supernet kernel. */
public enum KernelTransform {
    /** The centre k x k crop of the stored kernel (CompOFA's fixed-kernel training). */
    NONE(CompofaNative.TRANSFORM_NONE),
    /**
     * OFA's chain: w5 = T75 * centre5(W7) (a 25x25 matrix, for kMax 7 and {@code k <= 5}), then
     * w3 = T53 * centre3(w5) (a 9x9 matrix, for k 3); matrices shared by all channels of a layer.
     */
    OFA(CompofaNative.TRANSFORM_OFA);

    private final int code;

    KernelTransform(int code) {
        this.code = code;
    }

    /**
     * The ABI's {@code compofa_kernel_transform} value.
     *
     * @return the code passed to the C ABI
     */
    public int code() {
        return code;
    }
}
