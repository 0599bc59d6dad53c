package org.compofa.ops;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawEpilogue;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * What a fused inference op ({@link FusedInference}) applies to each output channel j before it
 * writes the output: {@code y = act(bn(acc + bias[j]))} with the eval batch norm
 * {@code bn(v) = gamma[j] (v - runningMean[j]) / sqrt(runningVar[j] + eps) + beta[j]}. Every part is
 * optional (null bias, null batch norm, {@link Activation#IDENTITY}); the vectors are the supernet's
 * (VECTOR [cMax], cMax >= the op's channels), read in place.
 *
 * @param bias       per-channel bias, or null
 * @param batchNorm  the eval batch norm, or null
 * @param activation the activation (never null)
 */
public record Epilogue(Tensor bias, BatchNormEval batchNorm, Activation activation) {

    /**
     * The supernet's batch-norm vectors and epsilon, as {@link BatchNorm#forwardEval} uses them.
     *
     * @param eps finite eps > 0
     * @param gamma scale VECTOR [cMax]
     * @param beta shift VECTOR [cMax]
     * @param runningMean VECTOR [cMax]
     * @param runningVar VECTOR [cMax], &gt;= 0
     */
    public record BatchNormEval(Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float eps) {
        /**
         * Checks the components.
         *
         * @throws InvalidArgumentException for a null vector or a bad eps
         */
        public BatchNormEval {
            Args.notNull("gamma", gamma);
            Args.notNull("beta", beta);
            Args.notNull("runningMean", runningMean);
            Args.notNull("runningVar", runningVar);
            if (!(eps > 0f) || !Float.isFinite(eps)) {
                throw new InvalidArgumentException("eps=" + eps + ": allowed finite eps > 0");
            }
        }
    }

    /**
     * Checks the components.
     *
     * @throws InvalidArgumentException for a null activation
     */
    public Epilogue {
        Args.notNull("activation", activation);
    }

    /**
     * Only an activation (IDENTITY: the plain op).
     *
     * @param activation applied to every output
     * @return an epilogue without batch norm
     */
    public static Epilogue of(Activation activation) {
        return new Epilogue(null, null, activation);
    }

    /**
     * Batch norm then the activation.
     *
     * @param batchNorm the eval batch norm applied first
     * @param activation applied after it
     * @return the epilogue
     */
    public static Epilogue of(BatchNormEval batchNorm, Activation activation) {
        return new Epilogue(null, Args.notNull("batchNorm", batchNorm), activation);
    }

    /** Checks the vectors against the op's channels and writes the ABI's view, its tensors held by op. */
    RawEpilogue toRaw(ComputeContext ctx, OpScope op, int channels) {
        if (bias != null) {
            Args.vectorAtLeast(ctx, "bias", bias, channels);
        }
        if (batchNorm == null) {
            return new RawEpilogue(op.addressOrZero(bias), Args.length(bias), 0, 0, 0, 0, 0, 0f, activation.code());
        }
        BatchNormEval b = batchNorm;
        Args.vectorAtLeast(ctx, "gamma", b.gamma(), channels);
        Args.vectorAtLeast(ctx, "beta", b.beta(), channels);
        Args.vectorAtLeast(ctx, "runningMean", b.runningMean(), channels);
        Args.vectorAtLeast(ctx, "runningVar", b.runningVar(), channels);
        return new RawEpilogue(op.addressOrZero(bias), Args.length(bias), op.address(b.gamma()), op.address(b.beta()),
                op.address(b.runningMean()), op.address(b.runningVar()),
                Args.minLength(b.gamma(), b.beta(), b.runningMean(), b.runningVar()), b.eps(), activation.code());
    }

    /** The tensors the epilogue reads, for the output-distinct check. */
    Tensor[] inputs() {
        return batchNorm == null ? new Tensor[] {bias}
                : new Tensor[] {bias, batchNorm.gamma(), batchNorm.beta(), batchNorm.runningMean(),
                        batchNorm.runningVar()};
    }
}
