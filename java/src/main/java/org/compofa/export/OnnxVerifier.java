package org.compofa.export;

import java.util.SplittableRandom;
import org.compofa.nn.Network;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;

/**
 * Runs an exported ONNX model in ONNX Runtime (CPU) and compares its logits with ours (EVAL mode) on
 * the same seeded random images: the check that the export means what our network computes. Needs
 * ONNX Runtime on the class path (an optional dependency, {@link OnnxRuntime}); without it both methods
 * throw {@link OnnxRuntimeMissingException} before doing any work.
 */
public final class OnnxVerifier {
    private OnnxVerifier() {
    }

    /**
     * The comparison of one run.
     *
     * @param maxAbsDiff   largest |ours - ORT| over all logits
     * @param maxAbsLogit  largest |logit| (the scale of the comparison)
     * @param batch        images compared
     */
    public record Result(double maxAbsDiff, double maxAbsLogit, int batch) {
        /**
         * Whether the difference is within {@code 1e-3 * (1 + max |logit|)}.
         *
         * @return true when the outputs agree within the tolerance
         */
        public boolean agrees() {
            return maxAbsDiff <= 1e-3 * (1 + maxAbsLogit);
        }
    }

    /**
     * Logits of {@code onnx} in ONNX Runtime for NCHW {@code images} [n][c][r][r].
     *
     * @param onnx the model file's bytes
     * @param nchw the images, NCHW
     * @param n images
     * @param c channels
     * @param r image side in pixels
     * @return the logits, one row per image
     * @throws OnnxRuntimeMissingException when ONNX Runtime is not on the class path
     * @throws IllegalStateException       when ONNX Runtime rejects or fails to run the model
     */
    public static float[][] runOnnx(byte[] onnx, float[] nchw, int n, int c, int r) {
        OnnxRuntime.require("the ONNX export check");
        try (OnnxRuntime.Session session = OnnxRuntime.open(onnx)) {
            return session.run(nchw, n, c, r, r);
        }
    }

    /**
     * Exports nothing: compares {@code onnx} (an export of {@code subnet} of {@code net}) with {@code net}.
     *
     * @param onnx the exported model's bytes
     * @param net the network it was exported from
     * @param subnet the exported subnet
     * @param batch images compared
     * @param seed seed of the random images
     * @return the largest difference and logit
     * @throws OnnxRuntimeMissingException when ONNX Runtime is not on the class path
     */
    public static Result compare(byte[] onnx, Network net, Subnet subnet, int batch, long seed) {
        OnnxRuntime.require("the ONNX export check");
        int r = subnet.resolution();
        int c = net.spec().geometry().inputChannels();
        float[] nhwc = new float[batch * r * r * c];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < nhwc.length; i++) {
            nhwc[i] = (float) rnd.nextGaussian();
        }
        float[] ours;
        try (Workspace ws = new Workspace(net.context());
             Tensor x = Tensor.of(net.context(), Layout.NHWC, nhwc, batch, r, r, c);
             Pass p = Pass.eval(ws)) {
            ours = net.forward(p, subnet, x).toArray();
        }
        float[][] theirs = runOnnx(onnx, toNchw(nhwc, batch, r, c), batch, c, r);
        int classes = theirs[0].length;
        double diff = 0;
        double scale = 0;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < classes; j++) {
                diff = Math.max(diff, Math.abs(ours[b * classes + j] - theirs[b][j]));
                scale = Math.max(scale, Math.abs(ours[b * classes + j]));
            }
        }
        return new Result(diff, scale, batch);
    }

    static float[] toNchw(float[] nhwc, int n, int r, int c) {
        float[] o = new float[nhwc.length];
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < r; y++) {
                for (int x = 0; x < r; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        o[((b * c + ch) * r + y) * r + x] = nhwc[((b * r + y) * r + x) * c + ch];
                    }
                }
            }
        }
        return o;
    }
}
