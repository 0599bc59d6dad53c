package org.compofa.io.ofa;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedMap;
import org.compofa.io.torch.TorchTensor;
import org.compofa.io.torch.TorchTensor.ElementType;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.SubnetExtractor;
import org.compofa.ops.KernelTransform;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.compofa.train.NamedArray;

/**
 * A compofa network as an OFA state dict: the supernet in {@code OFAMobileNetV3}'s names (what
 * {@code load_state_dict(strict=True)} of OFA's supernet accepts) or one subnet in the names of
 * OFA's static {@code MobileNetV3} (what {@code get_active_subnet()} returns). Float32 tensors in
 * OFA's layouts, in OFA's key order; BN's {@code num_batches_tracked}, which compofa does not keep,
 * is written as 0 (it only matters to BN with {@code momentum=None}, which OFA does not use).
 */
public final class OfaExport {
    private OfaExport() {
    }

    /**
     * The supernet's state dict. {@code matrices} names the transform matrices to write: for a
     * network with OFA's kernel transform {@link KernelMatrices#K357} (OFA's kernel list {3, 5, 7});
     * {@link KernelMatrices#K57} or {@link KernelMatrices#K37} only when the other matrix is still
     * identity; {@link KernelMatrices#NONE} for a centre-crop network.
     *
     * @param net the supernet
     * @param matrices which transform matrices to write
     * @return tensors by OFA name
     * @throws IllegalArgumentException when the network cannot be written that way (names why)
     */
    public static SequencedMap<String, TorchTensor> supernet(Network net, KernelMatrices matrices) {
        NetworkSpec spec = net.spec();
        boolean cropped = spec.transform() == KernelTransform.NONE;
        if (cropped != (matrices == KernelMatrices.NONE)) {
            throw new IllegalArgumentException("a network with kernel transform " + spec.transform()
                    + " cannot be written with matrices " + matrices);
        }
        int slots = spec.slots(0);
        for (int s = 0; s < spec.stages().size(); s++) {
            if (spec.slots(s) != slots) {
                throw new IllegalArgumentException("stage " + (s + 1) + " has " + spec.slots(s) + " block slots,"
                        + " stage 1 has " + slots + ": OFA's supernet has the same in every stage");
            }
        }
        return write(net.parameters().toArrays(), OfaTensorMap.of(spec, true, matrices));
    }

    /**
     * The matrices an export of {@code net} writes by default: K357 with OFA's transform, else NONE.
     *
     * @param net the supernet
     * @return the matrices
     */
    public static KernelMatrices defaultMatrices(Network net) {
        return net.spec().transform() == KernelTransform.OFA ? KernelMatrices.K357 : KernelMatrices.NONE;
    }

    /**
     * One subnet of {@code net} in the names of OFA's static {@code MobileNetV3}, with the effective
     * kernels the supernet computes for it (transform applied, see {@link SubnetExtractor}).
     *
     * @param net the supernet
     * @param subnet the subnet
     * @return tensors by OFA name
     */
    public static SequencedMap<String, TorchTensor> subnet(Network net, Subnet subnet) {
        try (Network sub = SubnetExtractor.extract(net, subnet)) {
            return write(sub.parameters().toArrays(), OfaTensorMap.of(sub.spec(), false, KernelMatrices.NONE));
        }
    }

    /**
     * How {@code spec} differs from every network OFA's {@code OFAMobileNetV3} builds (empty when it
     * is one of them): OFA's strides and its 3 input channels are fixed, so a supernet with another
     * geometry (compofa's small-input Fashion net) loads into OFA's code only with edits there.
     *
     * @param spec a network spec
     * @return the differences, in words
     */
    public static List<String> differencesFromOfa(NetworkSpec spec) {
        List<String> out = new ArrayList<>();
        StageTable t = spec.geometry().table();
        StageTable ofa = StageTable.imagenet(1.0);
        if (t.stemStride() != ofa.stemStride()) {
            out.add("stem stride " + t.stemStride() + " (OFA: " + ofa.stemStride() + ")");
        }
        for (int s = 0; s < t.stages().size() && s < ofa.stages().size(); s++) {
            var ours = t.stages().get(s);
            var theirs = ofa.stages().get(s);
            if (ours.stride() != theirs.stride() || ours.activation() != theirs.activation()
                    || ours.squeezeExcite() != theirs.squeezeExcite()) {
                out.add("stage " + (s + 1) + ": stride " + ours.stride() + ", " + ours.activation() + ", SE "
                        + ours.squeezeExcite() + " (OFA: " + theirs.stride() + ", " + theirs.activation() + ", SE "
                        + theirs.squeezeExcite() + ")");
            }
        }
        if (t.stages().size() != ofa.stages().size()) {
            out.add(t.stages().size() + " stages (OFA: " + ofa.stages().size() + ")");
        }
        if (spec.geometry().inputChannels() != 3) {
            out.add(spec.geometry().inputChannels() + " input channels (OFA: 3)");
        }
        return out;
    }

    private static SequencedMap<String, TorchTensor> write(List<NamedArray> arrays, List<OfaTensor> map) {
        Map<String, NamedArray> ours = new LinkedHashMap<>();
        arrays.forEach(a -> ours.put(a.name(), a));
        SequencedMap<String, TorchTensor> out = new LinkedHashMap<>();
        for (OfaTensor e : map) {
            switch (e.layout()) {
                case COUNTER -> out.put(e.ofaName(), new TorchTensor(ElementType.INT64, new int[0], null, new long[1]));
                case IDENTITY -> checkIdentity(Objects.requireNonNull(ours.get(e.ourName()), e.ourName()));
                default -> {
                    NamedArray a = ours.get(e.ourName());
                    if (a == null) {
                        throw new IllegalStateException("the network has no tensor " + e.ourName());
                    }
                    if (!a.hasShape(e.ourShape())) {
                        throw new IllegalStateException(e.ourName() + " has shape " + java.util.Arrays.toString(a.shape())
                                + ", the OFA layout needs " + java.util.Arrays.toString(e.ourShape()));
                    }
                    out.put(e.ofaName(), new TorchTensor(ElementType.FLOAT32, e.ofaShape(),
                            OfaLayouts.toOfa(e, a.values()).clone(), null));
                }
            }
        }
        return out;
    }

    /** A matrix OFA's kernel list has no place for must still be the identity it started as. */
    private static void checkIdentity(NamedArray a) {
        float[] id = OfaImport.identity(a.shape()[0]);
        if (!java.util.Arrays.equals(id, a.values())) {
            throw new IllegalArgumentException(a.name() + " is no longer the identity: OFA's kernel list for these"
                    + " matrices cannot hold it; write with KernelMatrices.K357");
        }
    }
}
