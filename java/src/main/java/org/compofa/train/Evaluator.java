package org.compofa.train;

import java.util.Objects;
import org.compofa.data.Batch;
import org.compofa.data.BatchLoader;
import org.compofa.data.Dataset;
import org.compofa.data.LoaderConfig;
import org.compofa.data.SubsetDataset;
import org.compofa.nn.BnStatistics;
import org.compofa.nn.Network;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;

/**
 * Accuracy of a subnet and BN recalibration (reference §3.6): before evaluating a subnet of a
 * supernet, its running statistics are replaced by batch statistics averaged over a fixed subset
 * of training images (2000 by default, batches of 200, training augmentation, seed fixed like
 * OFA's {@code SUB_SEED}), because the shared running statistics belong to no single subnet.
 */
public final class Evaluator {
    /** OFA's recalibration subset size. */
    public static final int RECALIBRATION_IMAGES = 2000;
    /** OFA's recalibration batch. */
    public static final int RECALIBRATION_BATCH = 200;
    /** OFA's {@code SUB_SEED}: the same subset for every subnet. */
    public static final long RECALIBRATION_SEED = 937162211L;

    private final Workspace workspace;
    private final Communicator comm; // null: this process evaluates everything

    /**
     * An evaluator borrowing activation memory from {@code workspace}.
     *
     * @param workspace activation memory the passes borrow
     */
    public Evaluator(Workspace workspace) {
        this(workspace, null);
    }

    /**
     * A sharded evaluator of a data-parallel job: rank r runs batches r, r + N, r + 2N, ... of the
     * recalibration subset and of the test set, and the BN sums and hit counts are added up across the
     * ranks, so every rank gets the one-process result (the hits exactly, the recalibrated statistics
     * within float rounding of the sums) in about 1/N of the time. Every rank must make the same calls.
     *
     * @param workspace activation memory the passes borrow
     * @param comm      the ranks sharing the work, or null / one rank for this process alone
     */
    public Evaluator(Workspace workspace, Communicator comm) {
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.comm = comm != null && comm.size() > 1 ? comm : null;
    }

    private int rank() {
        return comm == null ? 0 : comm.rank();
    }

    private int ranks() {
        return comm == null ? 1 : comm.size();
    }

    /**
     * Recalibrates the running statistics of the layers {@code subnet} uses (their first c entries)
     * from {@code images} random training images.
     *
     * @param net the network whose statistics are updated
     * @param subnet the subnet whose layers are recalibrated
     * @param train training images to draw from
     * @param trainLoader loader settings for the recalibration batches
     * @param images how many training images to use
     */
    public void recalibrate(Network net, Subnet subnet, Dataset train, LoaderConfig trainLoader, int images) {
        SubsetDataset subset = SubsetDataset.randomSample(train, Math.min(images, train.size()), RECALIBRATION_SEED);
        BatchLoader loader = new BatchLoader(subset, new LoaderConfig(RECALIBRATION_BATCH, RECALIBRATION_SEED, true,
                trainLoader.augmentation(), trainLoader.normalization(), false));
        BnStatistics stats = new BnStatistics();
        int batches = loader.batchesPerEpoch();
        for (int b = rank(); b < batches; b += ranks()) {
            collect(net, subnet, loader, b, stats);
        }
        if (comm != null) {
            if (rank() >= batches) { // no batch of its own: learn the layers from batch 0, contribute nothing
                BnStatistics layers = new BnStatistics();
                collect(net, subnet, loader, 0, layers);
                stats = layers.emptyCopy();
            }
            stats.allReduce(comm);
        }
        stats.apply();
    }

    private void collect(Network net, Subnet subnet, BatchLoader loader, int b, BnStatistics stats) {
        Batch batch = loader.batch(0, b, subnet.resolution());
        try (Tensor x = images(net, batch); Pass p = Pass.recalibrate(workspace, stats)) {
            net.forward(p, subnet, x);
        }
    }

    /**
     * Top-1 accuracy (%) of {@code subnet} on {@code test} with the current running statistics.
     *
     * @param net the network
     * @param subnet the subnet evaluated
     * @param test evaluation images
     * @param evalLoader loader settings for the evaluation batches
     * @return top-1 accuracy in percent
     */
    public double top1(Network net, Subnet subnet, Dataset test, LoaderConfig evalLoader) {
        BatchLoader loader = new BatchLoader(test, evalLoader);
        int classes = net.spec().geometry().numClasses();
        long hits = 0;
        for (int b = rank(); b < loader.batchesPerEpoch(); b += ranks()) {
            Batch batch = loader.batch(0, b, subnet.resolution());
            try (Tensor x = images(net, batch); Pass p = Pass.eval(workspace)) {
                float[] logits = net.forward(p, subnet, x).toArray();
                hits += Math.round(SupernetTrainer.top1(logits, batch.labels(), classes) * batch.size() / 100.0);
            }
        }
        if (comm != null) {
            float[] total = {hits}; // exact: a float holds every count up to 2^24 images
            comm.allReduce(total, Communicator.Op.SUM);
            hits = (long) total[0];
        }
        return 100.0 * hits / test.size();
    }

    /**
     * {@link #recalibrate} then {@link #top1}.
     *
     * @param net the network
     * @param subnet the subnet evaluated
     * @param train training images for the recalibration
     * @param trainLoader loader settings for the recalibration batches
     * @param test evaluation images
     * @param evalLoader loader settings for the evaluation batches
     * @return top-1 accuracy in percent after recalibration
     */
    public double top1Recalibrated(Network net, Subnet subnet, Dataset train, LoaderConfig trainLoader, Dataset test,
                                   LoaderConfig evalLoader) {
        recalibrate(net, subnet, train, trainLoader, RECALIBRATION_IMAGES);
        return top1(net, subnet, test, evalLoader);
    }

    private static Tensor images(Network net, Batch batch) {
        int r = batch.resolution();
        return Tensor.of(net.context(), Layout.NHWC, batch.images(), batch.size(), r, r, batch.channels());
    }
}
