package org.compofa.io.ofa;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.ComputeContext;
import org.compofa.train.NamedArray;

/**
 * An OFA MobileNetV3 read from a checkpoint, in compofa's names and layouts: what it is ({@link
 * #spec}, whether elastic, which transform matrices) and its tensors, ready to load into a {@link
 * Network} on any context.
 *
 * @param spec     the network's shape: geometry, per block the stored middle width and kernel
 * @param elastic  an OFA supernet ({@code OFAMobileNetV3}) rather than a static subnet
 * @param matrices the kernel-transform matrices it carried
 * @param arrays   parameters and BN running statistics in compofa's names
 * @param source   the file it came from
 */
public record OfaSupernet(NetworkSpec spec, boolean elastic, KernelMatrices matrices, List<NamedArray> arrays,
                          Path source) {
    /** Copies the list. */
    public OfaSupernet {
        Objects.requireNonNull(spec, "spec");
        arrays = List.copyOf(arrays);
    }

    /**
     * A network on {@code ctx} holding these weights; the caller closes it.
     *
     * @param ctx the context the network is created on
     * @return the network
     */
    public Network toNetwork(ComputeContext ctx) {
        Network net = new Network(ctx, spec, 0);
        try {
            net.parameters().load(arrays);
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /**
     * The same network with smaller kernels cropped from the centre instead of transformed: the
     * matrices are dropped (an elastic supernet without matrices stays as it is).
     *
     * @return the supernet without matrices
     */
    public OfaSupernet withoutMatrices() {
        if (spec.transform() == KernelTransform.NONE) {
            return this;
        }
        NetworkSpec cropped = new NetworkSpec(spec.geometry(), spec.firstBlock(), spec.stages(), KernelTransform.NONE);
        List<NamedArray> kept = arrays.stream().filter(a -> !isMatrix(a.name())).toList();
        return new OfaSupernet(cropped, elastic, KernelMatrices.NONE, kept, source);
    }

    /**
     * How many of the transform matrices differ from the identity they start as (0 when there are
     * none): a supernet whose matrices were never trained computes the same with or without them.
     *
     * @return the count, &gt;= 0
     */
    public int nonIdentityMatrices() {
        int n = 0;
        for (NamedArray a : arrays) {
            if (isMatrix(a.name()) && !java.util.Arrays.equals(a.values(), OfaImport.identity(a.shape()[0]))) {
                n++;
            }
        }
        return n;
    }

    private static boolean isMatrix(String name) {
        return name.endsWith(".depthwise.t75") || name.endsWith(".depthwise.t53");
    }

    /**
     * Number of floats (parameters and statistics) imported.
     *
     * @return the count
     */
    public long values() {
        return arrays.stream().mapToLong(a -> a.values().length).sum();
    }
}
