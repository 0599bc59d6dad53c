package org.compofa.nn;

import org.compofa.ops.Activation;
import org.compofa.ops.BatchNorm;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * Batch norm over the first c channels of the supernet's BN state, per the pass's {@link Mode}, and
 * the activation after it: with batch statistics one fused op each way ({@code BatchNorm.forwardTrain}
 * with an activation keeps only the layer's input; the backward recomputes the normalised values).
 */
final class BatchNormLayer implements Layer {
    static final BatchNorm.Params PARAMS = BatchNorm.Params.PYTORCH;

    private final BatchNormWeights bn;
    private final int c;
    private final Activation act;
    private Tensor x;
    private Tensor batchMean;
    private Tensor batchVar;

    BatchNormLayer(BatchNormWeights bn, int c, Activation act) {
        this.bn = bn;
        this.c = c;
        this.act = act;
    }

    @Override
    public Tensor forward(Pass pass, Tensor x) {
        this.x = x;
        Tensor y = pass.take(x.layout(), x.shape());
        if (!pass.mode().batchStatistics()) {
            BatchNorm.forwardEval(pass.ctx(), PARAMS, x, bn.gamma().value(), bn.beta().value(), bn.runningMean(),
                    bn.runningVar(), y);
            if (act != Activation.IDENTITY) {
                act.forward(pass.ctx(), y, y);
            }
            return y;
        }
        takeStatistics(pass);
        if (pass.batchNormSync() != null) {
            // This shard's statistics first (y is written again below with the global ones).
            BatchNorm.forwardTrain(pass.ctx(), PARAMS, act, x, bn.gamma().value(), bn.beta().value(), null, null, y,
                    batchMean, batchVar);
            return forwardSynchronized(pass, x, y);
        }
        boolean update = pass.mode().updatesRunningStats();
        BatchNorm.forwardTrain(pass.ctx(), PARAMS, act, x, bn.gamma().value(), bn.beta().value(),
                update ? bn.runningMean() : null, update ? bn.runningVar() : null, y, batchMean, batchVar);
        recordStatistics(pass);
        return y;
    }

    /** Normalises with the global batch's statistics (this shard's are in batchMean/batchVar). */
    private Tensor forwardSynchronized(Pass pass, Tensor x, Tensor y) {
        SynchronizedBatchNorm.reduceStatistics(pass.batchNormSync(), batchMean, batchVar);
        BatchNorm.forwardTrainWithStatistics(pass.ctx(), PARAMS, act, x, bn.gamma().value(), bn.beta().value(),
                null, null, y, batchMean, batchVar);
        if (pass.mode().updatesRunningStats()) {
            SynchronizedBatchNorm.updateRunning(bn, PARAMS, batchMean, batchVar,
                    x.length() / c * pass.batchNormSync().size());
        }
        recordStatistics(pass);
        return y;
    }

    /**
     * Borrows this layer's batch-statistics vectors from the pass, for a producer that fills them
     * ({@link ConvBnLayer}) before {@link #forwardWithStatistics} runs.
     */
    void takeStatistics(Pass pass) {
        batchMean = pass.take(Layout.VECTOR, c);
        batchVar = pass.take(Layout.VECTOR, c);
    }

    Tensor batchMean() {
        return batchMean;
    }

    Tensor batchVar() {
        return batchVar;
    }

    /** The batch-statistics forward when the producer of x already wrote its statistics (one pass). */
    Tensor forwardWithStatistics(Pass pass, Tensor x) {
        this.x = x;
        Tensor y = pass.take(x.layout(), x.shape());
        if (pass.batchNormSync() != null) {
            return forwardSynchronized(pass, x, y);
        }
        boolean update = pass.mode().updatesRunningStats();
        BatchNorm.forwardTrainWithStatistics(pass.ctx(), PARAMS, act, x, bn.gamma().value(), bn.beta().value(),
                update ? bn.runningMean() : null, update ? bn.runningVar() : null, y, batchMean, batchVar);
        recordStatistics(pass);
        return y;
    }

    private void recordStatistics(Pass pass) {
        if (pass.statistics() != null) {
            pass.statistics().add(bn, batchMean.toArray(), batchVar.toArray(), x.dim(0));
        }
    }

    @Override
    public Tensor backward(Pass pass, Tensor dy) {
        Tensor dx = pass.take(x.layout(), x.shape());
        if (pass.batchNormSync() != null) {
            SynchronizedBatchNorm.backward(pass, pass.batchNormSync(), PARAMS, act, bn, x, dy, batchMean, batchVar, dx);
            return dx;
        }
        BatchNorm.backward(pass.ctx(), PARAMS, act, x, dy, bn.gamma().value(), bn.beta().value(), batchMean,
                batchVar, dx, bn.gamma().grad(), bn.beta().grad());
        return dx;
    }
}
