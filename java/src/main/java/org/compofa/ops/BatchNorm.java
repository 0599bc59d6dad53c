package org.compofa.ops;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawNnOps;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * Batch normalisation over the rows ({@code n*h*w}) of activations {@code x} (NHWC [n][h][w][c] or
 * MATRIX [rows][c]), PyTorch semantics. A subnet uses the first c entries of the supernet's vectors
 * {@code gamma}, {@code beta}, {@code runningMean}, {@code runningVar} (VECTOR [cMax], cMax >= c) in
 * place. {@code batchMean}/{@code batchVar} (VECTOR with at least c entries) carry the batch
 * statistics from the training forward to the backward (and to BN recalibration, with momentum 0).
 */
public final class BatchNorm {
    private BatchNorm() {}

    /**
     * The hyper-parameters, checked at construction.
     *
     * @param momentum running = (1 - momentum) running + momentum batch; 0 leaves the running stats
     *                 unchanged (recalibration); allowed 0..1
     * @param eps      added to the variance; allowed finite eps > 0
     */
    public record Params(float momentum, float eps) {
        /** PyTorch's defaults: momentum 0.1, eps 1e-5. */
        public static final Params PYTORCH = new Params(0.1f, 1e-5f);

        /**
         * Checks the components.
         *
         * @throws InvalidArgumentException naming the field and what is allowed
         */
        public Params {
            Args.range("momentum", momentum, 0f, 1f, true);
            if (!(eps > 0f) || !Float.isFinite(eps)) {
                throw new InvalidArgumentException("eps=" + eps + ": allowed finite eps > 0");
            }
        }
    }

    /**
     * Training forward: y = gamma (x - mean) / sqrt(var + eps) + beta with the batch's mean and biased
     * variance, written to batchMean[:c] and batchVar[:c]; the running stats (both null = no update)
     * move towards the batch with the unbiased variance var * rows / (rows - 1).
     *
     * @param ctx the context that owns every tensor
     * @param params momentum and eps
     * @param x input, NHWC or MATRIX with c channels last
     * @param gamma scale VECTOR [cMax &gt;= c]
     * @param beta shift VECTOR [cMax]
     * @param runningMean VECTOR [cMax], updated, or null
     * @param runningVar VECTOR [cMax], updated, or null
     * @param y output, same shape as x
     * @param batchMean receives the batch mean, VECTOR [&gt;= c]
     * @param batchVar receives the biased batch variance, VECTOR [&gt;= c]
     * @throws InvalidArgumentException for fewer than 2 rows, mismatched shapes, one running stat without
     *                                  the other, or an output that is also an input
     */
    public static void forwardTrain(ComputeContext ctx, Params params, Tensor x, Tensor gamma, Tensor beta,
                                    Tensor runningMean, Tensor runningVar, Tensor y, Tensor batchMean, Tensor batchVar) {
        forwardTrain(ctx, params, Activation.IDENTITY, x, gamma, beta, runningMean, runningVar, y, batchMean, batchVar);
    }

    /**
     * {@link #forwardTrain(ComputeContext, Params, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor)}
     * followed by {@code act} in the same pass: y = act(bn(x)). The normalised values are not kept;
     * {@link #backward(ComputeContext, Params, Activation, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor,
     * Tensor, Tensor)} recomputes them (one tensor and two passes over memory fewer than the two ops).
     *
     * @param ctx the context that owns every tensor
     * @param params momentum and eps
     * @param act applied after the normalisation
     * @param x input, NHWC or MATRIX with c channels last
     * @param gamma scale VECTOR [cMax &gt;= c]
     * @param beta shift VECTOR [cMax]
     * @param runningMean VECTOR [cMax], updated, or null
     * @param runningVar VECTOR [cMax], updated, or null
     * @param y output act(bn(x)), same shape as x
     * @param batchMean receives the batch mean, VECTOR [&gt;= c]
     * @param batchVar receives the biased batch variance, VECTOR [&gt;= c]
     */
    public static void forwardTrain(ComputeContext ctx, Params params, Activation act, Tensor x, Tensor gamma,
                                    Tensor beta, Tensor runningMean, Tensor runningVar, Tensor y, Tensor batchMean,
                                    Tensor batchVar) {
        train(ctx, params, act, false, x, gamma, beta, runningMean, runningVar, y, batchMean, batchVar);
    }

    /**
     * The fused training forward when {@code batchMean}/{@code batchVar} already hold x's batch
     * statistics, gathered by the convolution that wrote x
     * ({@link SliceGemm#conv1x1ForwardWithStatistics}): one pass over x, normalising and moving the
     * running stats; the statistics are inputs here and are left as they are.
     *
     * @param ctx the context that owns every tensor
     * @param params momentum and eps
     * @param act applied after the normalisation
     * @param x input, NHWC or MATRIX with c channels last
     * @param gamma scale VECTOR [cMax &gt;= c]
     * @param beta shift VECTOR [cMax]
     * @param runningMean VECTOR [cMax], updated, or null
     * @param runningVar VECTOR [cMax], updated, or null
     * @param y output act(bn(x)), same shape as x
     * @param batchMean x's batch mean, already computed, VECTOR [&gt;= c]
     * @param batchVar x's biased batch variance, already computed, VECTOR [&gt;= c]
     */
    public static void forwardTrainWithStatistics(ComputeContext ctx, Params params, Activation act, Tensor x,
                                                  Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                                  Tensor y, Tensor batchMean, Tensor batchVar) {
        train(ctx, params, act, true, x, gamma, beta, runningMean, runningVar, y, batchMean, batchVar);
    }

    private static void train(ComputeContext ctx, Params params, Activation act, boolean statsGiven, Tensor x,
                              Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, Tensor y,
                              Tensor batchMean, Tensor batchVar) {
        Args.context(ctx);
        Args.notNull("params", params);
        Args.notNull("act", act);
        int c = Args.channelsLast(ctx, "x", x);
        long rows = x.length() / c;
        if (rows < 2) {
            throw new InvalidArgumentException("x " + x.describeShape() + " has " + rows
                    + " row(s) per channel; training batch norm needs rows = n*h*w >= 2");
        }
        Args.vectorAtLeast(ctx, "gamma", gamma, c);
        Args.vectorAtLeast(ctx, "beta", beta, c);
        if ((runningMean == null) != (runningVar == null)) {
            throw new InvalidArgumentException("runningMean and runningVar must both be given or both be null (no update)");
        }
        if (runningMean != null) {
            Args.vectorAtLeast(ctx, "runningMean", runningMean, c);
            Args.vectorAtLeast(ctx, "runningVar", runningVar, c);
        }
        Args.sameAs(ctx, "y", y, "x", x);
        Args.vectorAtLeast(ctx, "batchMean", batchMean, c);
        Args.vectorAtLeast(ctx, "batchVar", batchVar, c);
        Args.allDistinct(new Tensor[] {y, runningMean, runningVar, batchMean, batchVar},
                new String[] {"y", "runningMean", "runningVar", "batchMean", "batchVar"},
                new Tensor[] {x, gamma, beta}, new String[] {"x", "gamma", "beta"});
        try (OpScope op = ctx.op()) {
            RawNnOps.batchnormActForwardTrain(op.context(), null, rows, c, act.code(), statsGiven, op.address(x), x.length(),
                    op.address(gamma), op.address(beta), op.addressOrZero(runningMean), op.addressOrZero(runningVar),
                    Args.minLength(gamma, beta, runningMean, runningVar), params.momentum(), params.eps(),
                    op.address(y), y.length(), op.address(batchMean), op.address(batchVar), Args.minLength(batchMean, batchVar));
        }
    }

    /**
     * Inference: y = gamma (x - runningMean) / sqrt(runningVar + eps) + beta; momentum is not used.
     *
     * @param ctx the context that owns every tensor
     * @param params eps (momentum unused)
     * @param x input, NHWC or MATRIX with c channels last
     * @param gamma scale VECTOR [cMax &gt;= c]
     * @param beta shift VECTOR [cMax]
     * @param runningMean VECTOR [cMax]
     * @param runningVar VECTOR [cMax]
     * @param y output, same shape as x
     */
    public static void forwardEval(ComputeContext ctx, Params params, Tensor x, Tensor gamma, Tensor beta,
                                   Tensor runningMean, Tensor runningVar, Tensor y) {
        Args.context(ctx);
        Args.notNull("params", params);
        int c = Args.channelsLast(ctx, "x", x);
        long rows = x.length() / c;
        Args.vectorAtLeast(ctx, "gamma", gamma, c);
        Args.vectorAtLeast(ctx, "beta", beta, c);
        Args.vectorAtLeast(ctx, "runningMean", runningMean, c);
        Args.vectorAtLeast(ctx, "runningVar", runningVar, c);
        Args.sameAs(ctx, "y", y, "x", x);
        Args.allDistinct(new Tensor[] {y}, new String[] {"y"}, new Tensor[] {x, gamma, beta, runningMean, runningVar},
                new String[] {"x", "gamma", "beta", "runningMean", "runningVar"});
        try (OpScope op = ctx.op()) {
            RawNnOps.batchnormForwardEval(op.context(), null, rows, c, op.address(x), x.length(), op.address(gamma),
                    op.address(beta), op.address(runningMean), op.address(runningVar),
                    Args.minLength(gamma, beta, runningMean, runningVar), params.eps(), op.address(y), y.length());
        }
    }

    /**
     * Backward of {@link #forwardTrain} with its batchMean/batchVar: {@code dx} overwritten,
     * {@code dgamma[:c]} and {@code dbeta[:c]} accumulated (+=); any output may be null to skip it.
     *
     * @param ctx the context that owns every tensor
     * @param params the forward's eps
     * @param x the forward's input
     * @param dy gradient of y
     * @param gamma scale VECTOR [cMax]
     * @param batchMean the forward's batch mean
     * @param batchVar the forward's batch variance
     * @param dx gradient of x, overwritten, or null
     * @param dgamma gradient of gamma, accumulated, or null
     * @param dbeta gradient of beta, accumulated, or null
     */
    public static void backward(ComputeContext ctx, Params params, Tensor x, Tensor dy, Tensor gamma,
                                Tensor batchMean, Tensor batchVar, Tensor dx, Tensor dgamma, Tensor dbeta) {
        backward(ctx, params, Activation.IDENTITY, x, dy, gamma, null, batchMean, batchVar, dx, dgamma, dbeta);
    }

    /**
     * Backward of the fused {@code act(bn(x))}: {@code dy} is the gradient of that output; {@code beta}
     * is required unless act is {@link Activation#IDENTITY} (the activation's derivative is taken at
     * bn(x)). Outputs as in the plain backward.
     *
     * @param ctx the context that owns every tensor
     * @param params the forward's eps
     * @param act the forward's activation
     * @param x the forward's input
     * @param dy gradient of act(bn(x))
     * @param gamma scale VECTOR [cMax]
     * @param beta shift VECTOR [cMax]
     * @param batchMean the forward's batch mean
     * @param batchVar the forward's batch variance
     * @param dx gradient of x, overwritten, or null
     * @param dgamma gradient of gamma, accumulated, or null
     * @param dbeta gradient of beta, accumulated, or null
     */
    public static void backward(ComputeContext ctx, Params params, Activation act, Tensor x, Tensor dy, Tensor gamma,
                                Tensor beta, Tensor batchMean, Tensor batchVar, Tensor dx, Tensor dgamma,
                                Tensor dbeta) {
        Args.context(ctx);
        Args.notNull("params", params);
        Args.notNull("act", act);
        int c = Args.channelsLast(ctx, "x", x);
        long rows = x.length() / c;
        if (rows < 2) {
            throw new InvalidArgumentException("x " + x.describeShape() + " has " + rows
                    + " row(s) per channel; the training batch norm backward needs rows = n*h*w >= 2");
        }
        Args.sameAs(ctx, "dy", dy, "x", x);
        Args.vectorAtLeast(ctx, "gamma", gamma, c);
        if (act != Activation.IDENTITY) {
            Args.notNull("beta (needed with activation " + act + ")", beta);
            Args.vectorAtLeast(ctx, "beta", beta, c);
        }
        Args.vectorAtLeast(ctx, "batchMean", batchMean, c);
        Args.vectorAtLeast(ctx, "batchVar", batchVar, c);
        if (dx != null) {
            Args.sameAs(ctx, "dx", dx, "x", x);
        }
        if (dgamma != null) {
            Args.vectorAtLeast(ctx, "dgamma", dgamma, c);
        }
        if (dbeta != null) {
            Args.vectorAtLeast(ctx, "dbeta", dbeta, c);
        }
        Args.allDistinct(new Tensor[] {dx, dgamma, dbeta}, new String[] {"dx", "dgamma", "dbeta"},
                new Tensor[] {x, dy, gamma, beta, batchMean, batchVar},
                new String[] {"x", "dy", "gamma", "beta", "batchMean", "batchVar"});
        boolean useBeta = act != Activation.IDENTITY;
        try (OpScope op = ctx.op()) {
            RawNnOps.batchnormActBackward(op.context(), null, rows, c, act.code(), op.address(x), x.length(), op.address(dy),
                    dy.length(), op.address(gamma), useBeta ? op.address(beta) : 0,
                    Args.minLength(gamma, useBeta ? beta : null, dgamma, dbeta),
                    op.address(batchMean), op.address(batchVar),
                    Args.minLength(batchMean, batchVar), params.eps(), op.addressOrZero(dx), Args.length(dx),
                    op.addressOrZero(dgamma), op.addressOrZero(dbeta));
        }
    }
}
