package org.compofa.io.ofa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import org.compofa.io.torch.TorchCheckpoint;
import org.compofa.io.torch.TorchTensor;
import org.compofa.nn.Network;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Export back to OFA's names: importing the original code's checkpoints and exporting them again
 * gives the same keys in the same order with the same shapes and bit-identical values; an exported
 * static subnet imports as a static network that computes what the supernet computes for it.
 */
class OfaExportTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();

    @Test
    void supernetExportReproducesTheOriginalStateDict() throws Exception {
        Path dir = OfaFixtures.dir();
        ComputeContext ctx = contexts.get(Backend.CPU);
        for (String name : List.of("ofa_mbv3_w1.0_k357_transform_seed7.pth",
                "compofa_mbv3_w1.2_fixedkernel_c10_fp16_legacy_seed11.pth.tar")) {
            Path file = OfaFixtures.checked(dir, name);
            SequencedMap<String, TorchTensor> original = TorchCheckpoint.stateDict(file);
            OfaSupernet imported = OfaImport.fromStateDict(file, original);
            SequencedMap<String, TorchTensor> exported;
            try (Network net = imported.toNetwork(ctx)) {
                exported = OfaExport.supernet(net, imported.matrices());
            }
            assertEquals(new ArrayList<>(original.keySet()), new ArrayList<>(exported.keySet()), name + " keys");
            original.forEach((key, t) -> {
                TorchTensor e = exported.get(key);
                assertArrayEquals(t.shape(), e.shape(), key);
                if (t.isFloating()) {
                    assertArrayEquals(bits(t.floats()), bits(e.floats()), key + " values");
                } else {
                    assertTrue(key.endsWith("num_batches_tracked") && e.longs()[0] == 0, key);
                }
            });
        }
    }

    @Test
    void staticSubnetExportRunsLikeTheSupernet() throws Exception {
        Path dir = OfaFixtures.dir();
        ComputeContext ctx = contexts.get(Backend.CPU);
        OfaSupernet imported = OfaImport.read(OfaFixtures.checked(dir, "ofa_mbv3_w1.0_k357_transform_seed7.pth"));
        // kernels 3 and 5 go through the transform matrices, odd resolution, mixed depths
        Subnet subnet = OfaSubnets.of(
                new int[] {3, 5, 7, 0, 5, 3, 0, 0, 7, 7, 3, 5, 3, 0, 0, 0, 5, 5, 3, 7},
                new int[] {4, 6, 3, 0, 3, 4, 0, 0, 6, 6, 4, 3, 4, 0, 0, 0, 3, 6, 4, 6},
                new int[] {3, 2, 4, 1, 4}, 131);
        float[] viaSupernet;
        float[] viaStatic;
        try (Network net = imported.toNetwork(ctx); Workspace ws = new Workspace(ctx)) {
            SequencedMap<String, TorchTensor> sd = OfaExport.subnet(net, subnet);
            assertTrue(sd.containsKey("blocks.1.conv.inverted_bottleneck.conv.weight"), "static names");
            assertFalse(sd.keySet().stream().anyMatch(k -> k.endsWith("_matrix")), "no matrices in a static net");
            assertEquals(1 + subnet.activeBlocks(), sd.keySet().stream().filter(k -> k.endsWith("point_linear.conv.weight"))
                    .count());
            OfaSupernet back = OfaImport.fromStateDict(Path.of("exported-subnet"), sd);
            assertFalse(back.elastic());
            float[] images = randomImages(new SplittableRandom(5), 2, subnet.resolution());
            viaSupernet = forward(net, ws, subnet, images);
            try (Network stat = back.toNetwork(ctx)) {
                assertEquals(MobileNetV3Geometry.imagenet(1.0).params(subnet.withResolution(224)),
                        stat.parameters().parameterCount(), "static parameter count");
                viaStatic = forward(stat, ws, stat.largestSubnet(subnet.resolution()), images);
            }
        }
        // the static copy's kernels are the transform chain evaluated on the host in double, the
        // supernet's in float inside the op: the same values to float rounding of a 7x7 chain
        double scale = 0;
        double err = 0;
        for (int i = 0; i < viaSupernet.length; i++) {
            scale = Math.max(scale, Math.abs(viaSupernet[i]));
            err = Math.max(err, Math.abs(viaSupernet[i] - viaStatic[i]));
        }
        assertTrue(err <= 1e-5 * scale, "static subnet logits off by " + err + " at scale " + scale);
    }

    @Test
    void exportRefusesMatricesTheNetworkCannotHold() throws Exception {
        Path dir = OfaFixtures.dir();
        OfaSupernet cropped = OfaImport.read(OfaFixtures.checked(dir,
                "compofa_mbv3_w1.2_fixedkernel_c10_fp16_legacy_seed11.pth.tar"));
        try (Network net = cropped.toNetwork(contexts.get(Backend.CPU))) {
            assertEquals(KernelMatrices.NONE, OfaExport.defaultMatrices(net));
            assertThrows(IllegalArgumentException.class, () -> OfaExport.supernet(net, KernelMatrices.K357));
            assertTrue(OfaExport.differencesFromOfa(net.spec()).isEmpty());
        }
    }

    private static float[] forward(Network net, Workspace ws, Subnet subnet, float[] images) {
        int r = subnet.resolution();
        try (Tensor x = Tensor.of(net.context(), Layout.NHWC, images, images.length / (3 * r * r), r, r, 3);
             Pass p = Pass.eval(ws)) {
            return net.forward(p, subnet, x).toArray();
        }
    }

    private static float[] randomImages(SplittableRandom rnd, int n, int r) {
        float[] v = new float[n * r * r * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        return v;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }
}
