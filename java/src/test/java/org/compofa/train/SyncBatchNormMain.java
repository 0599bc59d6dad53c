package org.compofa.train;

import java.util.List;
import java.util.Map;
import org.compofa.data.BatchLoader;
import org.compofa.nn.Network;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Backend;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;

/**
 * The program {@link DistributedBatchNormAndEvaluationTest} runs under {@code mpirun -np 2}: two
 * data-parallel compound steps with synchronised BN (each rank on its half of the batch) against the
 * same two steps of one process on the whole batch, and the same with per-rank BN. Dropout is off
 * (its mask depends on the batch's shape). Prints per rank the norm-wise relative difference of the parameters
 * and of the running statistics from the one-process run (the larger of the two).
 */
public final class SyncBatchNormMain {
    private SyncBatchNormMain() {}

    /**
     * Runs the comparison.
     *
     * @param args unused
     * @throws Exception on any failure (the job then aborts)
     */
    public static void main(String[] args) throws Exception {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Communicator comm = Communicator.world(ctx)) {
            TrainingConfig d = DistributedTrainingMain.config();
            TrainingConfig c = new TrainingConfig(d.name(), d.epochs(), d.warmupEpochs(), d.initLr(), d.warmupLr(),
                    d.sgd(), d.labelSmoothing(), d.kdRatio(), d.batchSize(), d.subnetsPerStep(), 0.0, d.seed(),
                    d.resolutions());
            double sync = run(ctx, comm, c, true);
            double perRank = run(ctx, comm, c, false);
            System.out.println("rank " + comm.rank() + " syncbn maxdiff " + sync + " per-rank-bn maxdiff " + perRank);
        }
    }

    /** The norm-wise relative difference between the 2-rank and the one-process run after two steps. */
    private static double run(ComputeContext ctx, Communicator comm, TrainingConfig c, boolean synchronize) {
        BatchLoader loader = DistributedTrainingMain.loader();
        int side = DistributedTrainingMain.SIDE;
        int[][] batches = {{0, 1, side - 2}, {1, 4, side}}; // (epoch, index, resolution) of the two steps
        double[] lrs = {0.05, 0.03};
        try (Network teacher = new Network(ctx, SupernetTrainerTest.tinySpec(), 7);
             Network dist = new Network(ctx, SupernetTrainerTest.tinySpec(), 8);
             Network one = new Network(ctx, SupernetTrainerTest.tinySpec(), 8);
             Workspace ws = new Workspace(ctx)) {
            Map<String, Tensor> distMomentum = TrainingStep.zeroMomentum(dist);
            Map<String, Tensor> oneMomentum = TrainingStep.zeroMomentum(one);
            try (TrainingStep distStep = new TrainingStep(dist, teacher, c, distMomentum, ws, comm)
                    .synchronizeBatchNorm(synchronize);
                 TrainingStep oneStep = new TrainingStep(one, teacher, c, oneMomentum, ws)) {
                RunState state = RunState.start(c.seed());
                for (int s = 0; s < batches.length; s++) {
                    int[] b = batches[s];
                    List<Subnet> subnets = SubnetSource.uniform(DistributedTrainingMain.space())
                            .draw(state, c.subnetsPerStep(), b[2]);
                    distStep.run(state, loader.batch(b[0], b[1], b[2], comm.rank(), comm.size()), subnets, lrs[s]);
                    oneStep.run(state, loader.batch(b[0], b[1], b[2]), subnets, lrs[s]);
                    state = state.advance(loader.batchesPerEpoch());
                }
            } finally {
                distMomentum.values().forEach(Tensor::close);
                oneMomentum.values().forEach(Tensor::close);
            }
            return Math.max(normDifference(dist.parameters().parameters().stream().map(p -> p.value()).toList(),
                    one.parameters().parameters().stream().map(p -> p.value()).toList()),
                    normDifference(List.copyOf(dist.parameters().buffers().values()),
                            List.copyOf(one.parameters().buffers().values())));
        }
    }

    /**
     * ||a - r|| / ||r|| over the tensors concatenated: a norm-wise comparison, since a tensor whose
     * exact value is about 0 (the beta of a BN whose output feeds another BN gets a gradient that
     * cancels to 0 over the batch) holds only rounding, which no per-tensor relative bound fits.
     */
    static double normDifference(List<Tensor> a, List<Tensor> r) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i).toArray();
            float[] y = r.get(i).toArray();
            for (int j = 0; j < x.length; j++) {
                diff += ((double) x[j] - y[j]) * ((double) x[j] - y[j]);
                norm += (double) y[j] * y[j];
            }
        }
        return Math.sqrt(diff / Math.max(norm, 1e-300));
    }

    /** max |a - r| / max |r|: for tensors without cancellation (running statistics). */
    static double relativeDifference(float[] a, float[] r) {
        double scale = 1e-30;
        double diff = 0;
        for (int j = 0; j < a.length; j++) {
            scale = Math.max(scale, Math.abs(r[j]));
            diff = Math.max(diff, Math.abs(a[j] - r[j]));
        }
        return diff / scale;
    }
}
