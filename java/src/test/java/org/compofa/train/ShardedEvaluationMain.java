package org.compofa.train;

import org.compofa.data.Augmentation;
import org.compofa.data.LoaderConfig;
import org.compofa.data.Normalization;
import org.compofa.nn.Network;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Backend;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;

/**
 * The program {@link DistributedBatchNormAndEvaluationTest} runs under {@code mpirun -np 2}: BN
 * recalibration and top-1 sharded over the ranks ({@link Evaluator#Evaluator(Workspace, Communicator)})
 * against the same in one process. Recalibration from 500 images (batches of 200, 200, 100: rank 0
 * runs two, rank 1 one) and from 150 (one batch: rank 1 has none and contributes nothing). Prints
 * per rank both top-1 values and the largest relative difference of the recalibrated statistics.
 */
public final class ShardedEvaluationMain {
    private ShardedEvaluationMain() {}

    /**
     * Runs the comparison.
     *
     * @param args unused
     * @throws Exception on any failure (the job then aborts)
     */
    public static void main(String[] args) throws Exception {
        int side = DistributedTrainingMain.SIDE;
        int classes = DistributedTrainingMain.CLASSES;
        SyntheticShapes train = new SyntheticShapes(500, side, classes, 5);
        SyntheticShapes test = new SyntheticShapes(113, side, classes, 6);
        LoaderConfig trainLoader = DistributedTrainingMain.loader().config();
        LoaderConfig evalLoader = new LoaderConfig(16, 0, false, Augmentation.NONE, Normalization.of(0.45f, 0.25f),
                false);
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Communicator comm = Communicator.world(ctx);
             Workspace ws = new Workspace(ctx)) {
            Subnet subnet = DistributedTrainingMain.space().largest(side);
            StringBuilder line = new StringBuilder("rank " + comm.rank());
            for (int images : new int[] {500, 150}) {
                try (Network sharded = new Network(ctx, SupernetTrainerTest.tinySpec(), 8);
                     Network alone = new Network(ctx, SupernetTrainerTest.tinySpec(), 8)) {
                    new Evaluator(ws, comm).recalibrate(sharded, subnet, train, trainLoader, images);
                    new Evaluator(ws).recalibrate(alone, subnet, train, trainLoader, images);
                    double worst = 0;
                    var a = sharded.parameters().buffers();
                    var b = alone.parameters().buffers();
                    for (String name : a.keySet()) {
                        Tensor x = a.get(name);
                        worst = Math.max(worst, SyncBatchNormMain.relativeDifference(x.toArray(), b.get(name).toArray()));
                    }
                    double top1Sharded = new Evaluator(ws, comm).top1(alone, subnet, test, evalLoader);
                    double top1Alone = new Evaluator(ws).top1(alone, subnet, test, evalLoader);
                    line.append(" images ").append(images).append(" recalibrated maxdiff ").append(worst)
                            .append(" top1 ").append(top1Sharded).append(" alone ").append(top1Alone);
                }
            }
            System.out.println(line);
        }
    }
}
