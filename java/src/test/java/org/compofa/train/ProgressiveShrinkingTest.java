package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.compofa.nn.Network;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.ResolutionSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OFA progressive shrinking and CompOFA compound training through the recipe on a tiny synthetic run. */
class ProgressiveShrinkingTest {
    @Test
    void ofaPhasesRunInOrderWithTheReferenceSubnetsPerStep(@TempDir Path dir) throws Exception {
        SyntheticShapes data = new SyntheticShapes(64, 12, 4, 2);
        FashionRecipe.Settings s = new FashionRecipe.Settings(dir, 0.25, 16, 1, 2, 1.0, ResolutionSet.of(12), 5);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU)) {
            FashionRecipe recipe = new FashionRecipe(s, ctx, data, data, quiet);
            try (Network teacher = new Network(ctx, recipe.spec(), 1);
                 Network ofa = new Network(ctx, recipe.ofaSpec(), 2)) {
                recipe.trainTeacher(teacher);
                float[] t75Before = ofa.parameters().parameter("stage1.block1.depthwise.t75").value().toArray();
                List<PhaseResult> phases = recipe.trainOfaProgressiveShrinking(ofa, teacher, 5);
                assertEquals(List.of("ofa-kernel", "ofa-depth1", "ofa-depth2", "ofa-expand1", "ofa-expand2"),
                        phases.stream().map(PhaseResult::phase).toList());
                int batches = 64 / 16;
                int[] subnetsPerStep = {1, 2, 2, 4, 4};
                for (int i = 0; i < 5; i++) {
                    assertEquals((long) batches * subnetsPerStep[i], phases.get(i).subnetSteps(),
                            "subnet-steps of " + phases.get(i).phase() + " (1 epoch each)");
                    assertTrue(Files.exists(dir.resolve("ofa-ps").resolve(phases.get(i).phase()).resolve("log.csv")));
                }
                float[] t75After = ofa.parameters().parameter("stage1.block1.depthwise.t75").value().toArray();
                assertTrue(!java.util.Arrays.equals(t75Before, t75After), "the kernel-transform matrices are trained");
                Map<String, Double> acc = recipe.evaluateExtremes(ofa, recipe.ofaSpace());
                assertEquals(2, acc.size());
                acc.values().forEach(a -> assertTrue(a >= 0 && a <= 100));
                try (Network student = new Network(ctx, recipe.spec(), 3)) {
                    List<PhaseResult> compound = recipe.trainCompound(student, teacher);
                    assertEquals(2, compound.size());
                    assertEquals(batches * 4L, compound.get(0).subnetSteps(), "CompOFA: 4 subnets per step");
                }
            }
        }
    }
}
