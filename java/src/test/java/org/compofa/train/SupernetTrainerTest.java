package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.compofa.data.Augmentation;
import org.compofa.data.BatchLoader;
import org.compofa.data.LoaderConfig;
import org.compofa.data.Normalization;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.Activation;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.StageSpec;
import org.compofa.space.StageTable;
import org.compofa.space.Subnet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training engine on a tiny supernet: learning, KD, resume equality, config mismatch. */
class SupernetTrainerTest {
    private static final int SIDE = 12;
    private static final int CLASSES = 4;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** 5 stages like MobileNetV3 but narrow, so CompOFA spaces apply unchanged. */
    static MobileNetV3Geometry tinyGeometry() {
        List<StageSpec> stages = List.of(new StageSpec(8, 1, Activation.RELU, false),
                new StageSpec(8, 2, Activation.RELU, true), new StageSpec(16, 2, Activation.H_SWISH, false),
                new StageSpec(16, 1, Activation.H_SWISH, true), new StageSpec(16, 1, Activation.H_SWISH, true));
        return new MobileNetV3Geometry(new StageTable(8, 1, 8, stages, 32, 32), 1, CLASSES);
    }

    static NetworkSpec tinySpec() {
        return NetworkSpec.supernet(tinyGeometry(), 4, KernelTransform.NONE);
    }

    private static BatchLoader loader(int size, int batch) {
        return new BatchLoader(new SyntheticShapes(size, SIDE, CLASSES, 5),
                new LoaderConfig(batch, 11, true, Augmentation.NONE, Normalization.of(0.45f, 0.25f), true));
    }

    private static TrainingConfig config(String name, int epochs, double lr, double kd, int subnets) {
        return new TrainingConfig(name, epochs, 0, lr, lr / 4, SgdConfig.REFERENCE, 0.1, kd, 16, subnets, 0.1, 3L,
                List.of(SIDE - 2, SIDE));
    }

    private static SearchSpace space() {
        return SearchSpaces.compOfa(1.0, new ResolutionSet(SIDE - 2, SIDE, 2));
    }

    @Test
    void teacherLearnsSyntheticShapesAndLogsProgress(@TempDir Path dir) throws IOException {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = new Network(ctx, tinySpec(), 1);
             Workspace ws = new Workspace(ctx)) {
            SupernetTrainer trainer = new SupernetTrainer(net, null, loader(256, 16), dir, QUIET).logEvery(4);
            PhaseResult r = trainer.run(new Phase(config("teacher", 4, 0.1, 0, 1),
                    SubnetSource.fixed(net.largestSubnet(SIDE)), "teacher"));
            assertEquals(64, r.state().globalStep());
            List<String> log = Files.readAllLines(dir.resolve("teacher/log.csv"));
            double first = Double.parseDouble(log.get(1).split(",")[4]);
            double last = Double.parseDouble(log.getLast().split(",")[4]);
            assertTrue(last < 0.6 * first, "loss falls: " + first + " -> " + last);
            assertTrue(Files.size(dir.resolve("teacher/loss.png")) > 1000, "training curves plotted");
            assertTrue(Files.size(dir.resolve("teacher/top1.png")) > 1000, "training curves plotted");
            Evaluator ev = new Evaluator(ws);
            double acc = ev.top1(net, net.largestSubnet(SIDE), new SyntheticShapes(128, SIDE, CLASSES, 99),
                    new LoaderConfig(32, 0, false, Augmentation.NONE, Normalization.of(0.45f, 0.25f), false));
            assertTrue(acc >= 90, "held-out accuracy " + acc);
        }
    }

    @Test
    void killedAndResumedRunEndsWithTheSameWeights(@TempDir Path dir) throws IOException {
        TrainingConfig c = config("compound", 2, 0.05, 1.0, 3);
        float[][] uninterrupted;
        float[][] resumed;
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network teacher = new Network(ctx, tinySpec(), 7)) {
            try (Network a = new Network(ctx, tinySpec(), 8)) {
                new SupernetTrainer(a, teacher, loader(96, 16), dir.resolve("a"), QUIET)
                        .run(new Phase(c, SubnetSource.uniform(space()), space().id()));
                uninterrupted = weights(a);
            }
            try (Network b = new Network(ctx, tinySpec(), 8)) {
                PhaseResult part = new SupernetTrainer(b, teacher, loader(96, 16), dir.resolve("b"), QUIET)
                        .stopAfterStep(5).run(new Phase(c, SubnetSource.uniform(space()), space().id()));
                assertEquals(5, part.state().globalStep(), "killed mid-epoch");
            }
            try (Network b2 = new Network(ctx, tinySpec(), 99)) { // other init: weights must come from the checkpoint
                PhaseResult r = new SupernetTrainer(b2, teacher, loader(96, 16), dir.resolve("b"), QUIET)
                        .run(new Phase(c, SubnetSource.uniform(space()), space().id()));
                assertEquals(12, r.state().globalStep());
                resumed = weights(b2);
            }
        }
        assertEquals(uninterrupted.length, resumed.length);
        for (int i = 0; i < resumed.length; i++) {
            assertArrayEquals(uninterrupted[i], resumed[i], "parameter " + i + " differs after resume");
        }
    }

    /** The log's rows without the timing columns (images_per_s, elapsed_s), which differ between runs. */
    private static List<String> logWithoutTimes(Path log) throws IOException {
        return Files.readAllLines(log).stream().map(l -> String.join(",", List.of(l.split(",")).subList(0, 6)))
                .toList();
    }

    @Test
    void killedRunsRecomputeTheStepsAfterTheirCheckpointWithoutRepeatingLogRows(@TempDir Path dir)
            throws IOException {
        TrainingConfig c = config("compound", 2, 0.05, 0, 2);
        Phase phase = new Phase(c, SubnetSource.uniform(space()), space().id());
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU)) {
            try (Network a = new Network(ctx, tinySpec(), 8)) {
                new SupernetTrainer(a, null, loader(96, 16), dir.resolve("a"), QUIET).logEvery(2).run(phase);
            }
            // Killed at step 5 (checkpoint at 5, halfway through a log window: rows at 2 and 4).
            try (Network b = new Network(ctx, tinySpec(), 8)) {
                new SupernetTrainer(b, null, loader(96, 16), dir.resolve("b"), QUIET).logEvery(2).stopAfterStep(5)
                        .run(phase);
            }
            // Resumed, then killed after step 9 before its checkpoint was written: the newest checkpoint
            // is the epoch end at 6, and the row of step 8 is past it.
            try (Network b = new Network(ctx, tinySpec(), 8)) {
                new SupernetTrainer(b, null, loader(96, 16), dir.resolve("b"), QUIET).logEvery(2).stopAfterStep(9)
                        .run(phase);
            }
            Files.delete(new CheckpointStore(dir.resolve("b/compound"), "compound", 2).pathFor(9));
            try (Network b = new Network(ctx, tinySpec(), 99)) {
                PhaseResult r = new SupernetTrainer(b, null, loader(96, 16), dir.resolve("b"), QUIET).logEvery(2)
                        .run(phase);
                assertEquals(12, r.state().globalStep());
            }
        }
        List<String> uninterrupted = logWithoutTimes(dir.resolve("a/compound/log.csv"));
        assertEquals(List.of("0", "2", "4", "6", "8", "10", "12"),
                uninterrupted.stream().map(l -> l.split(",")[0].replace("step", "0")).toList());
        assertEquals(uninterrupted, logWithoutTimes(dir.resolve("b/compound/log.csv")),
                "no row twice, and the rows of recomputed steps (loss and top-1 averages too) are bit-identical");
    }

    @Test
    void resumingWithAnotherConfigIsRefused(@TempDir Path dir) throws IOException {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = new Network(ctx, tinySpec(), 1)) {
            Subnet full = net.largestSubnet(SIDE);
            new SupernetTrainer(net, null, loader(64, 16), dir, QUIET).stopAfterStep(1)
                    .run(new Phase(config("teacher", 1, 0.1, 0, 1), SubnetSource.fixed(full), "teacher"));
            CheckpointException e = assertThrows(CheckpointException.class, () ->
                    new SupernetTrainer(net, null, loader(64, 16), dir, QUIET)
                            .run(new Phase(config("teacher", 1, 0.2, 0, 1), SubnetSource.fixed(full), "teacher")));
            assertEquals(CheckpointException.Reason.INCOMPATIBLE, e.reason());
        }
    }

    @Test
    void divergenceStopsThePhaseBeforeItsWeightsAreSaved(@TempDir Path dir) throws IOException {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = new Network(ctx, tinySpec(), 1)) {
            Subnet full = net.largestSubnet(SIDE);
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () ->
                    new SupernetTrainer(net, null, loader(64, 16), dir, QUIET)
                            .run(new Phase(config("teacher", 8, 1e9, 0, 1), SubnetSource.fixed(full), "teacher")));
            assertTrue(e.getMessage().contains("Lower the learning rate"), e.getMessage());
            assertTrue(e.step() < 32, "found within the first epochs: step " + e.step());
            var saved = new CheckpointStore(dir.resolve("teacher"), "teacher", 2).latest();
            if (saved.isPresent()) {
                for (NamedArray array : saved.get().checkpoint().arrays()) {
                    for (float v : array.values()) {
                        assertTrue(Float.isFinite(v), "a checkpoint holds only finite weights");
                    }
                }
            }
        }
    }

    @Test
    void distillationWithoutTeacherIsRefused(@TempDir Path dir) {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = new Network(ctx, tinySpec(), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    new SupernetTrainer(net, null, loader(64, 16), dir, QUIET)
                            .run(new Phase(config("c", 1, 0.1, 1.0, 2), SubnetSource.uniform(space()), "x")));
            assertTrue(e.getMessage().contains("no teacher"), e.getMessage());
        }
    }

    @Test
    void resolutionOfABatchDependsOnlyOnSeedAndPosition() {
        TrainingConfig c = config("t", 1, 0.1, 0, 1);
        int[] seen = new int[2];
        for (int b = 0; b < 200; b++) {
            int r = SupernetTrainer.resolutionOf(c, 3, b);
            assertEquals(r, SupernetTrainer.resolutionOf(c, 3, b));
            seen[r == SIDE ? 1 : 0]++;
        }
        assertTrue(seen[0] > 60 && seen[1] > 60, "both resolutions drawn: " + seen[0] + "/" + seen[1]);
    }

    private static float[][] weights(Network n) {
        return n.parameters().toArrays().stream().map(a -> a.values()).toArray(float[][]::new);
    }
}
