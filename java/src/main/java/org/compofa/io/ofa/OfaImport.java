package org.compofa.io.ofa;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.compofa.io.ofa.OfaCheckpointException.Reason;
import org.compofa.io.torch.TorchCheckpoint;
import org.compofa.io.torch.TorchTensor;
import org.compofa.nn.Network;
import org.compofa.runtime.ComputeContext;
import org.compofa.train.NamedArray;

/**
 * Reads an OFA or CompOFA MobileNetV3 checkpoint (any file {@link TorchCheckpoint} reads: zip or
 * legacy format, bare or wrapped state dict, {@code module.} prefixes, float16/bfloat16/float64
 * converted to float32) into compofa's names and layouts. Strict like
 * {@code load_state_dict(strict=True)}: every tensor the layout needs must be present with the
 * shape the rest implies, and no other tensor may be there.
 */
public final class OfaImport {
    private OfaImport() {
    }

    /**
     * The supernet (or static subnet) in {@code file}.
     *
     * @param file an OFA checkpoint
     * @return the supernet
     * @throws IOException a {@link org.compofa.io.torch.TorchCheckpointException} when the file is not a
     *                     readable checkpoint, an {@link OfaCheckpointException} when it is not an OFA
     *                     MobileNetV3 compofa runs (the message names the tensor)
     */
    public static OfaSupernet read(Path file) throws IOException {
        return fromStateDict(file, TorchCheckpoint.stateDict(file));
    }

    /**
     * {@link #read}, optionally ignoring the kernel-transform matrices so smaller kernels are centre
     * crops: the reading the reference recommends for CompOFA's released fixed-kernel checkpoint,
     * which carries {@code *to*_matrix} keys its training script never used (reference §10.2).
     *
     * @param file an OFA checkpoint
     * @param centreCrop true to drop the matrices (they must still be well-formed)
     * @return the supernet
     * @throws java.io.IOException if the file is unreadable or not an OFA MobileNetV3
     */
    public static OfaSupernet read(Path file, boolean centreCrop) throws IOException {
        OfaSupernet s = read(file);
        return centreCrop ? s.withoutMatrices() : s;
    }

    /**
     * The network in {@code file} on {@code ctx}, ready to run any subnet that fits it (the caller
     * closes it): {@code OfaImport.load(Path.of("ofa_w1.0.pth"), ctx)}.
     *
     * @param file an OFA checkpoint
     * @param ctx the context the network is created on
     * @return the network; the caller closes it
     * @throws IOException as {@link #read}
     */
    public static Network load(Path file, ComputeContext ctx) throws IOException {
        return read(file).toNetwork(ctx);
    }

    /**
     * {@link #read} of a state dict already in memory; {@code source} names it in messages.
     *
     * @param source the state dict's origin, for messages
     * @param stateDict tensors by name
     * @return the supernet
     * @throws org.compofa.io.ofa.OfaCheckpointException if it is not an OFA MobileNetV3 compofa runs
     */
    public static OfaSupernet fromStateDict(Path source, Map<String, TorchTensor> stateDict)
            throws OfaCheckpointException {
        OfaLayoutDetector.Layout layout = OfaLayoutDetector.detect(source, stateDict);
        List<OfaTensor> map = OfaTensorMap.of(layout.spec(), layout.elastic(), layout.matrices());
        Set<String> unused = new LinkedHashSet<>(stateDict.keySet());
        List<NamedArray> arrays = new ArrayList<>();
        for (OfaTensor e : map) {
            TorchTensor t = e.ofaName() == null ? null : stateDict.get(e.ofaName());
            unused.remove(e.ofaName());
            if (e.layout() == OfaTensor.Reorder.IDENTITY) {
                arrays.add(new NamedArray(e.ourName(), e.ourShape(), identity(e.ourShape()[0])));
                continue;
            }
            if (t == null) {
                if (e.layout() == OfaTensor.Reorder.COUNTER) {
                    continue; // torch < 0.4.1 wrote no num_batches_tracked
                }
                throw new OfaCheckpointException(source, Reason.MISSING_TENSOR, e.ofaName() + " (shape "
                        + Arrays.toString(e.ofaShape()) + ")");
            }
            if (!Arrays.equals(t.shape(), e.ofaShape())) {
                throw new OfaCheckpointException(source, Reason.SHAPE_MISMATCH, e.ofaName() + " has shape "
                        + Arrays.toString(t.shape()) + "; the other tensors imply " + Arrays.toString(e.ofaShape()));
            }
            if (e.layout() == OfaTensor.Reorder.COUNTER) {
                continue;
            }
            if (!t.isFloating()) {
                throw new OfaCheckpointException(source, Reason.SHAPE_MISMATCH, e.ofaName() + " holds "
                        + t.sourceType() + " values; a weight must be floating point");
            }
            arrays.add(new NamedArray(e.ourName(), e.ourShape(), OfaLayouts.toOurs(e, t.floats())));
        }
        if (!unused.isEmpty()) {
            throw new OfaCheckpointException(source, Reason.UNEXPECTED_TENSOR, unused.size()
                    + " tensors this layout does not use, first " + unused.stream().limit(3).toList());
        }
        return new OfaSupernet(layout.spec(), layout.elastic(), layout.matrices(), arrays, source);
    }

    static float[] identity(int n) {
        float[] m = new float[n * n];
        for (int i = 0; i < n; i++) {
            m[i * n + i] = 1f;
        }
        return m;
    }
}
