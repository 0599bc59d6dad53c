package org.compofa.bench.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.bytedeco.pytorch.global.torch;
import org.compofa.data.Batch;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;
import org.compofa.train.NamedArray;
import org.compofa.train.RunState;
import org.compofa.train.TrainingConfig;
import org.compofa.train.TrainingPreset;
import org.compofa.train.TrainingStep;
import org.junit.jupiter.api.Test;

/**
 * Our compound training step against the same step written in libtorch (an independent engine: its
 * own convolutions, batch norm, autograd and loss): from the same weights and batch, 4 random
 * compound subnets + KD from a teacher give the same loss, the same gradients, the same updated
 * weights and the same BN running statistics. A second step, from our weights copied over again,
 * checks the momentum buffers both engines carry. This is what makes the libtorch step a fair
 * benchmark peer: it does the same work. Dropout is 0 (the engines draw different masks). Seeded, odd
 * sizes (batch 17, 30 px).
 *
 * <p>Why the second step restarts from our weights: with untrained weights and train-mode BN over a
 * handful of values in the last stages, the network is chaotic: rounding-level differences after one
 * update (1 ulp of a weight) grow to ~1 % in the next step's logits, in either engine. For the same
 * reason the batch is 17, not 5-9: at batch 9 the first layers' gradients agree only to ~4e-3, at 17
 * to ~4e-4 for the draws of this seed.
 *
 * <p>The gradient and update tolerance is 2e-2 of the norm: measured on 2026-11-28, our engine of commit
 * 5823ffe (before the training fusion) agreed to 7e-4 with these draws but only to 1.4e-2 at batch 33 or
 * 1e-2 at 62 px, and the fused training layers (which agree with our separate ops to ~3e-6,
 * TrainingFusionTest) land at 6e-3 to 8e-3 here: float-level differences are amplified ~1000x by the
 * first layers' train-mode BN over few values, so a tighter bound only holds for lucky draws. A wrong
 * formula anywhere (a missing activation derivative, a mis-sliced weight) gives errors of order 1.
 */
class TorchCompoundStepTest {
    private static final int N = 17;
    private static final int R = 30;
    private static final double LR = 0.05;
    /** Gradients and updates: relative to their norm (see the class comment for the measurements). */
    private static final double GRADIENT_RTOL = 2e-2;

    @Test
    void compoundStepMatchesLibtorch() {
        torch.set_num_threads(1);
        MobileNetV3Geometry g = MobileNetV3Geometry.smallInput(0.5, 1, 10);
        NetworkSpec spec = NetworkSpec.supernet(g, 4, KernelTransform.NONE);
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network student = new Network(ctx, spec, 11);
             Network teacher = new Network(ctx, spec, 12);
             Workspace ws = new Workspace(ctx)) {
            TrainingConfig base = TrainingPreset.COMPOFA_PHASE2.config();
            TrainingConfig config = new TrainingConfig(base.name(), base.epochs(), base.warmupEpochs(), base.initLr(),
                    base.warmupLr(), base.sgd(), base.labelSmoothing(), base.kdRatio(), N, base.subnetsPerStep(), 0.0,
                    base.seed(), List.of(R));
            TorchSupernet torchStudent = new TorchSupernet(student);
            TorchCompoundStep torchStep = new TorchCompoundStep(torchStudent, new TorchSupernet(teacher), config);
            Map<String, org.compofa.runtime.Tensor> momentum = TrainingStep.zeroMomentum(student);
            try {
                TrainingStep ours = new TrainingStep(student, teacher, config, momentum, ws);  // labels freed with ctx
                SearchSpace space = SearchSpaces.compOfa(0.5, ResolutionSet.of(R));
                SplittableRandom rnd = new SplittableRandom(7);
                for (int step = 0; step < 2; step++) {
                    Batch batch = randomBatch(rnd, step, g.numClasses());
                    List<Subnet> subnets = IntStream.range(0, 4).mapToObj(k -> space.sample(rnd, R)).toList();
                    torchStudent.copyFrom(student);
                    Map<String, float[]> before = values(student);
                    double ourLoss = ours.run(RunState.start(0), batch, subnets, LR).loss();
                    double torchLoss = torchStep.run(TorchCompoundStep.images(batch.images(), N, R, 1),
                            TorchCompoundStep.labels(batch.labels()), subnets, LR);
                    assertEquals(torchLoss, ourLoss, 1e-5 * Math.abs(torchLoss), "loss of step " + step);
                    compareGradients(step, student, torchStudent);
                    compareValues(step, before, values(student), torchStudent);
                }
            } finally {
                momentum.values().forEach(org.compofa.runtime.Tensor::close);
            }
        }
    }

    /** Every gradient within GRADIENT_RTOL of its norm (float32 through ~20 layers of train-mode BN), + 1e-6 for the
     * ones that are zero in exact arithmetic (a BN shift before another train-mode BN). */
    private static void compareGradients(int step, Network student, TorchSupernet torchStudent) {
        for (NamedArray ours : student.parameters().gradients()) {
            String name = ours.name().substring(0, ours.name().length() - ".grad".length());
            float[] theirs = torchStudent.gradientInOurLayout(name);
            double diff = distance(ours.values(), theirs);
            double norm = norm(theirs);
            assertTrue(diff <= GRADIENT_RTOL * norm + 1e-6, "step " + step + " gradient of " + name + ": |ours - libtorch| "
                    + diff + ", |libtorch| " + norm);
        }
    }

    /**
     * Every parameter's change within GRADIENT_RTOL of the change (plus an ulp-level floor: both engines round
     * the new weights to float; and the step of a gradient that is zero in exact arithmetic) and every running statistic within 2e-5 of its norm (+1e-5: some means are zero in exact arithmetic).
     */
    private static void compareValues(int step, Map<String, float[]> before, Map<String, float[]> after,
                                      TorchSupernet torchStudent) {
        int changed = 0;
        for (var e : after.entrySet()) {
            float[] ours = e.getValue();
            float[] theirs = torchStudent.valuesInOurLayout(e.getKey());
            assertEquals(ours.length, theirs.length, e.getKey());
            double diff = distance(ours, theirs);
            double delta = distance(theirs, before.get(e.getKey()));
            changed += delta > 0 ? 1 : 0;
            boolean runningStat = e.getKey().contains(".running_");
            double allowed = runningStat ? 2e-5 * norm(theirs) + 1e-5 : GRADIENT_RTOL * delta + 2.4e-7 * norm(theirs) + 2 * LR * 1e-6;
            assertTrue(diff <= allowed, "step " + step + " " + e.getKey() + ": |ours - libtorch| " + diff
                    + ", |update| " + delta + ", allowed " + allowed);
        }
        assertTrue(changed > after.size() / 2, "step " + step + ": only " + changed + " of " + after.size()
                + " tensors changed");
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    private static double norm(float[] a) {
        return distance(a, new float[a.length]);
    }

    private static Map<String, float[]> values(Network net) {
        Map<String, float[]> out = new HashMap<>();
        for (NamedArray a : net.parameters().toArrays()) {
            out.put(a.name(), a.values());
        }
        return out;
    }

    private static Batch randomBatch(SplittableRandom rnd, int index, int classes) {
        float[] images = new float[N * R * R];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) rnd.nextGaussian();
        }
        int[] labels = IntStream.range(0, N).map(i -> rnd.nextInt(classes)).toArray();
        return new Batch(0, index, N, R, 1, images, labels, IntStream.range(0, N).toArray());
    }
}
