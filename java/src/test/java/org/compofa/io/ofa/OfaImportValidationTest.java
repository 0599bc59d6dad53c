package org.compofa.io.ofa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.compofa.io.ofa.OfaCheckpointException.Reason;
import org.compofa.io.torch.TorchTensor;
import org.compofa.io.torch.TorchTensor.ElementType;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.testing.BackendContexts;
import org.compofa.train.NamedArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mapping on small random supernets (no shared fixtures needed): export then import gives back
 * every tensor bit for bit, for each kernel-matrix variant and for several depths, widths and class
 * counts; a state dict that is not exactly an OFA MobileNetV3 is refused with the reason and the
 * tensor named.
 */
class OfaImportValidationTest {
    private static final Path SOURCE = Path.of("synthetic.pth");

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();

    /** A supernet of {@code slots} blocks per stage with every tensor random (matrices identity unless asked). */
    private static Network randomNetwork(ComputeContext ctx, double width, int classes, int slots,
                                         KernelTransform transform, long seed, boolean randomMatrices) {
        var geometry = MobileNetV3Geometry.imagenet(width, classes);
        Network net = new Network(ctx, NetworkSpec.supernet(geometry, slots, transform), seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<NamedArray> arrays = new ArrayList<>();
        for (NamedArray a : net.parameters().toArrays()) {
            boolean matrix = a.name().endsWith(".t75") || a.name().endsWith(".t53");
            float[] v = a.values().clone();
            if (!matrix || randomMatrices) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (a.name().endsWith("running_var") ? 0.5 + rnd.nextDouble() : rnd.nextDouble() - 0.5);
                }
            }
            arrays.add(new NamedArray(a.name(), a.shape(), v));
        }
        net.parameters().load(arrays);
        return net;
    }

    @Test
    void exportThenImportGivesEveryTensorBack() throws Exception {
        ComputeContext ctx = contexts.get(Backend.CPU);
        record Variant(double width, int classes, int slots, KernelTransform transform, KernelMatrices matrices,
                       boolean randomMatrices) {
        }
        List<Variant> variants = List.of(
                new Variant(0.35, 7, 2, KernelTransform.OFA, KernelMatrices.K357, true),
                new Variant(1.2, 3, 1, KernelTransform.NONE, KernelMatrices.NONE, false),
                new Variant(0.5, 11, 3, KernelTransform.OFA, KernelMatrices.K57, false),
                new Variant(0.5, 2, 2, KernelTransform.OFA, KernelMatrices.K37, false));
        for (Variant v : variants) {
            try (Network net = randomNetwork(ctx, v.width(), v.classes(), v.slots(), v.transform(), 17, v.randomMatrices())) {
                SequencedMap<String, TorchTensor> sd = OfaExport.supernet(net, v.matrices());
                String t = "blocks.1.conv.depth_conv.conv.";
                assertEquals(v.matrices().keys().size(), sd.keySet().stream()
                        .filter(k -> k.startsWith(t) && k.endsWith("_matrix")).count(), v + " matrices");
                OfaSupernet back = OfaImport.fromStateDict(SOURCE, sd);
                assertTrue(back.elastic());
                assertEquals(v.matrices(), back.matrices());
                assertEquals(net.spec().geometry().table(), back.spec().geometry().table(), v + " widths");
                assertEquals(v.classes(), back.spec().geometry().numClasses());
                assertEquals(net.spec().firstBlock(), back.spec().firstBlock());
                assertEquals(net.spec().stages(), back.spec().stages(), v + " blocks");
                assertEquals(net.spec().transform(), back.spec().transform());
                assertEquals(byName(net.parameters().toArrays()), byName(back.arrays()), v + " tensors");
            }
        }
    }

    @Test
    void centreCropDropsTheMatricesAndComputesLikeACropNetwork() throws Exception {
        ComputeContext ctx = contexts.get(Backend.CPU);
        try (Network net = randomNetwork(ctx, 0.35, 4, 2, KernelTransform.OFA, 21, true)) {
            OfaSupernet withMatrices = OfaImport.fromStateDict(SOURCE, OfaExport.supernet(net, KernelMatrices.K357));
            assertEquals(20, withMatrices.nonIdentityMatrices());
            OfaSupernet cropped = withMatrices.withoutMatrices();
            assertEquals(KernelTransform.NONE, cropped.spec().transform());
            assertEquals(0, cropped.nonIdentityMatrices());
            assertEquals(withMatrices.arrays().size() - 20, cropped.arrays().size());
            try (Network c = cropped.toNetwork(ctx)) {
                assertEquals(KernelMatrices.NONE, OfaExport.defaultMatrices(c));
                var sd = OfaExport.supernet(c, KernelMatrices.NONE);
                assertFalse(sd.keySet().stream().anyMatch(k -> k.endsWith("_matrix")));
            }
        }
    }

    @Test
    void matricesOfaCannotHoldAreRefusedOnExport() {
        ComputeContext ctx = contexts.get(Backend.CPU);
        try (Network net = randomNetwork(ctx, 0.35, 5, 2, KernelTransform.OFA, 3, true)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OfaExport.supernet(net, KernelMatrices.K57));
            assertTrue(e.getMessage().contains("t53"), e.getMessage());
        }
    }

    @Test
    void stateDictsThatAreNotExactlyOfaAreRefusedNamingTheTensor() {
        ComputeContext ctx = contexts.get(Backend.CPU);
        SequencedMap<String, TorchTensor> good;
        try (Network net = randomNetwork(ctx, 0.35, 5, 2, KernelTransform.OFA, 9, true)) {
            good = OfaExport.supernet(net, KernelMatrices.K357);
        }
        String dw = "blocks.3.conv.depth_conv.conv.conv.weight";
        refused(good, Reason.MISSING_TENSOR, "blocks.4.conv.point_linear.bn.bn.running_var",
                sd -> sd.remove("blocks.4.conv.point_linear.bn.bn.running_var"));
        refused(good, Reason.UNEXPECTED_TENSOR, "blocks.2.conv.extra", sd -> sd.put("blocks.2.conv.extra", scalar()));
        refused(good, Reason.SHAPE_MISMATCH, "classifier.linear.bias",
                sd -> sd.put("classifier.linear.bias", floats(6)));
        refused(good, Reason.SHAPE_MISMATCH, dw, sd -> sd.put(dw, floats(sd.get(dw).shape()[0], 1, 6, 6)));
        refused(good, Reason.SHAPE_MISMATCH, "final_expand_layer.bn.weight",
                sd -> sd.put("final_expand_layer.bn.weight", new TorchTensor(ElementType.INT64,
                        sd.get("final_expand_layer.bn.weight").shape(), null,
                        new long[sd.get("final_expand_layer.bn.weight").numel()])));
        refused(good, Reason.UNSUPPORTED, "block 5", sd -> sd.remove("blocks.5.conv.depth_conv.conv.5to3_matrix"));
        refused(good, Reason.NOT_OFA_MOBILENETV3, "first_conv", sd -> sd.remove("first_conv.conv.weight"));
        refused(good, Reason.NOT_OFA_MOBILENETV3, "squeeze", sd -> {
            List<String> se = sd.keySet().stream().filter(k -> k.startsWith("blocks.3.conv.depth_conv.se.")).toList();
            se.forEach(sd::remove);
        });
        refused(good, Reason.UNSUPPORTED, "blocks", sd -> {
            List<String> last = sd.keySet().stream().filter(k -> k.startsWith("blocks.10.")).toList();
            last.forEach(sd::remove);
        });
        assertFalse(good.isEmpty());
    }

    private static void refused(SequencedMap<String, TorchTensor> good, Reason reason, String named,
                                Consumer<SequencedMap<String, TorchTensor>> damage) {
        SequencedMap<String, TorchTensor> sd = new LinkedHashMap<>(good);
        damage.accept(sd);
        OfaCheckpointException e = assertThrows(OfaCheckpointException.class, () -> OfaImport.fromStateDict(SOURCE, sd));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage() + " should name " + named);
    }

    /** Tensors by name (the import lists them in OFA's order, the store parameters before buffers). */
    private static java.util.Map<String, NamedArray> byName(List<NamedArray> arrays) {
        java.util.Map<String, NamedArray> m = new java.util.TreeMap<>();
        arrays.forEach(a -> m.put(a.name(), a));
        return m;
    }

    private static TorchTensor scalar() {
        return new TorchTensor(ElementType.FLOAT32, new int[0], new float[1], null);
    }

    private static TorchTensor floats(int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return new TorchTensor(ElementType.FLOAT32, shape, new float[n], null);
    }
}
