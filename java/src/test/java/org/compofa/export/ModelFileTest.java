package org.compofa.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;
import org.compofa.space.SubnetJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our model format: round trip to identical logits; corrupt, truncated and foreign files refused. */
class ModelFileTest {
    @Test
    void savedSubnetLoadsAndGivesTheSameLogits(@TempDir Path dir) throws IOException {
        SplittableRandom rnd = new SplittableRandom(3);
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network net = new Network(ctx, NetworkSpec.supernet(OnnxExportTest.geometry(), 3, KernelTransform.OFA), 2);
             Workspace ws = new Workspace(ctx)) {
            OnnxExportTest.randomise(net, rnd);
            Subnet s = OnnxExportTest.randomSubnet(rnd, 11);
            Path file = dir.resolve("m.cmpf");
            ModelFile.write(file, net, s, "test-space");
            assertTrue(Files.readString(Path.of(file + ".json")).contains(s.id()));
            float[] img = new float[2 * 11 * 11 * 3];
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) rnd.nextGaussian();
            }
            try (Tensor x = Tensor.of(ctx, Layout.NHWC, img, 2, 11, 11, 3)) {
                ModelFile.Model model = ModelFile.read(file, ctx);
                try (Network loaded = model.network(); Pass a = Pass.eval(ws); Pass b = Pass.eval(ws)) {
                    assertEquals(s, model.subnet());
                    assertEquals("test-space", model.spaceId());
                    float[] want = net.forward(a, s, x).toArray();
                    float[] got = loaded.forward(b, model.subnet(), x).toArray();
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])), "logit " + i);
                    }
                }
            }
        }
    }

    @Test
    void sideJsonEscapesTheSpaceIdAndWritesTheParameterCountAsANumber(@TempDir Path dir) throws IOException {
        String spaceId = "space \"q\" C:\\dir \u00e9\u4e2d";
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network net = new Network(ctx, NetworkSpec.supernet(OnnxExportTest.geometry(), 3, KernelTransform.NONE), 2)) {
            Subnet s = net.largestSubnet(9);
            Path file = dir.resolve("q.cmpf");
            ModelFile.write(file, net, s, spaceId);
            Map<String, Object> side = JSON.std.mapFrom(Files.readString(Path.of(file + ".json")));
            assertEquals(List.of("space", "subnet", "id", "parameters"), List.copyOf(side.keySet()));
            assertEquals(spaceId, side.get("space"));
            assertEquals(s.id(), side.get("id"));
            assertEquals(s, SubnetJson.parse(JSON.std.asString(side.get("subnet"))));
            assertTrue(side.get("parameters") instanceof Number n && n.longValue() > 0, "" + side.get("parameters"));
            assertEquals(spaceId, ModelFile.read(file, ctx).spaceId());
        }
    }

    @Test
    void corruptTruncatedAndForeignFilesAreRefusedByName(@TempDir Path dir) throws IOException {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network net = new Network(ctx, NetworkSpec.supernet(OnnxExportTest.geometry(), 3, KernelTransform.NONE), 2)) {
            Path file = dir.resolve("m.cmpf");
            ModelFile.write(file, net, net.largestSubnet(9), "s");
            byte[] good = Files.readAllBytes(file);
            byte[] flipped = good.clone();
            flipped[good.length / 2] ^= 0x10;
            Files.write(dir.resolve("flipped"), flipped);
            IOException e = assertThrows(IOException.class, () -> ModelFile.read(dir.resolve("flipped"), ctx));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
            Files.write(dir.resolve("cut"), java.util.Arrays.copyOf(good, good.length - 100));
            e = assertThrows(IOException.class, () -> ModelFile.read(dir.resolve("cut"), ctx));
            assertTrue(e.getMessage().contains("cut"), e.getMessage());
            Files.writeString(dir.resolve("text"), "hello");
            e = assertThrows(IOException.class, () -> ModelFile.read(dir.resolve("text"), ctx));
            assertTrue(e.getMessage().contains("not a compofa model"), e.getMessage());
            e = assertThrows(IOException.class, () -> ModelFile.read(dir.resolve("absent"), ctx));
            assertTrue(e.getMessage().contains("absent"), e.getMessage());
            assertArrayEquals(good, Files.readAllBytes(file), "reading never changes the file");
        }
    }
}
