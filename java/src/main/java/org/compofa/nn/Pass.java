package org.compofa.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * One forward (and optional backward) pass of one subnet: its mode, the layers it ran, the
 * tensors it borrowed from the {@link Workspace} (given back on {@link #close()}), the dropout seed
 * and, in {@link Mode#RECALIBRATE}, the statistics collector. Create one per subnet per step.
 */
public final class Pass implements AutoCloseable {
    private final Workspace workspace;
    private final Mode mode;
    private final float dropout;
    private final long dropoutSeed;
    private final BnStatistics statistics;
    private final List<Tensor> borrowed = new ArrayList<>();
    private final List<Layer> ran = new ArrayList<>();
    private boolean backwardDone;
    private Communicator batchNormSync; // null: BN batch statistics of this process's batch alone

    private Pass(Workspace workspace, Mode mode, float dropout, long dropoutSeed, BnStatistics statistics) {
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.mode = Objects.requireNonNull(mode, "mode");
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout " + dropout + ": allowed 0 <= p < 1");
        }
        this.dropout = dropout;
        this.dropoutSeed = dropoutSeed;
        this.statistics = statistics;
    }

    /**
     * A training pass with dropout rate {@code dropout} before the classifier, keyed by {@code dropoutSeed}.
     *
     * @param ws pool of the pass's activations
     * @param dropout rate, in [0, 1)
     * @param dropoutSeed seed of the dropout mask
     * @return the pass; close it after the backward
     */
    public static Pass train(Workspace ws, float dropout, long dropoutSeed) {
        return new Pass(ws, Mode.TRAIN, dropout, dropoutSeed, null);
    }

    /**
     * {@link #train} through the separate (unfused) ops ({@link Mode#TRAIN_UNFUSED}).
     *
     * @param ws pool of the pass's activations
     * @param dropout rate, in [0, 1)
     * @param dropoutSeed seed of the dropout mask
     * @return the pass; close it after the backward
     */
    public static Pass trainUnfused(Workspace ws, float dropout, long dropoutSeed) {
        return new Pass(ws, Mode.TRAIN_UNFUSED, dropout, dropoutSeed, null);
    }

    /**
     * An inference pass with running statistics.
     *
     * @param ws pool of the pass's activations
     * @return the pass
     */
    public static Pass eval(Workspace ws) {
        return new Pass(ws, Mode.EVAL, 0f, 0, null);
    }

    /**
     * An inference pass through the separate (unfused) ops ({@link Mode#EVAL_UNFUSED}).
     *
     * @param ws pool of the pass's activations
     * @return the pass
     */
    public static Pass evalUnfused(Workspace ws) {
        return new Pass(ws, Mode.EVAL_UNFUSED, 0f, 0, null);
    }

    /**
     * A frozen-teacher pass: batch statistics, nothing updated.
     *
     * @param ws pool of the pass's activations
     * @return the pass
     */
    public static Pass teacher(Workspace ws) {
        return new Pass(ws, Mode.TEACHER, 0f, 0, null);
    }

    /**
     * A BN recalibration pass feeding {@code statistics}.
     *
     * @param ws pool of the pass's activations
     * @param statistics receives the BN statistics
     * @return the pass
     */
    public static Pass recalibrate(Workspace ws, BnStatistics statistics) {
        return new Pass(ws, Mode.RECALIBRATE, 0f, 0, Objects.requireNonNull(statistics, "statistics"));
    }

    /**
     * Synchronised batch norm for this pass: batch statistics (forward) and their gradient sums
     * (backward) are those of the global batch over {@code comm}'s ranks, whose shards must be equal
     * in size (see {@link SynchronizedBatchNorm}). Every rank must run the same layers in the same order.
     * A null or one-rank communicator, or a mode without batch statistics, leaves the pass as it is.
     *
     * @param comm the ranks sharing the batch, of this pass's context, or null
     * @return this pass
     * @throws IllegalArgumentException for a communicator of another context
     */
    public Pass synchronizeBatchNorm(Communicator comm) {
        if (comm != null && comm.context() != ctx()) {
            throw new IllegalArgumentException("the communicator belongs to another compute context than the pass");
        }
        this.batchNormSync = comm != null && comm.size() > 1 && mode.batchStatistics() ? comm : null;
        return this;
    }

    Communicator batchNormSync() {
        return batchNormSync;
    }

    /**
     * The mode.
     *
     * @return the mode
     */
    public Mode mode() {
        return mode;
    }

    /**
     * The context.
     *
     * @return the context
     */
    public ComputeContext ctx() {
        return workspace.context();
    }

    float dropout() {
        return dropout;
    }

    long dropoutSeed() {
        return dropoutSeed;
    }

    BnStatistics statistics() {
        return statistics;
    }

    /** A workspace tensor owned by this pass (contents undefined). */
    Tensor take(Layout layout, int... shape) {
        Tensor t = workspace.take(layout, shape);
        borrowed.add(t);
        return t;
    }

    /** A workspace tensor shaped like {@code like} but with last dimension {@code lastDim}. */
    Tensor takeLike(Tensor like, int lastDim) {
        int[] s = like.shape();
        s[s.length - 1] = lastDim;
        return take(like.layout(), s);
    }

    /**
     * Runs a layer's forward and records it for the backward. A pass without backward gives back,
     * as soon as the layer returns, its input and every tensor it borrowed except its output:
     * nothing reads them again, so an inference pass holds about one block's activations instead
     * of the whole network's (at batch 500 that is the difference between MiBs and GiBs).
     */
    Tensor run(Layer layer, Tensor x) {
        int before = borrowed.size();
        Tensor y = layer.forward(this, x);
        ran.add(layer);
        if (!mode.allowsBackward()) {
            releaseAllBut(y, before, x);
        }
        return y;
    }

    /** Releases the tensors borrowed from index {@code from} on, and {@code input}, except {@code keep}. */
    private void releaseAllBut(Tensor keep, int from, Tensor input) {
        List<Tensor> kept = new ArrayList<>(from + 1);
        for (int i = 0; i < borrowed.size(); i++) {
            Tensor t = borrowed.get(i);
            boolean drop = t != keep && (i >= from || t == input);
            if (drop) {
                workspace.release(t);
            } else {
                kept.add(t);
            }
        }
        borrowed.clear();
        borrowed.addAll(kept);
    }

    /**
     * Back-propagates {@code dlogits} through every layer run, accumulating into the parameters'
     * gradients; returns the gradient of the input (null when the first layer does not compute it).
     *
     * @param dlogits gradient of the logits, MATRIX [n][classes]
     * @return gradient of the images, or null
     * @throws IllegalStateException when the mode has no backward or it already ran
     */
    public Tensor backward(Tensor dlogits) {
        if (!mode.allowsBackward()) {
            throw new IllegalStateException("a " + mode + " pass has no backward; use Pass.train");
        }
        if (backwardDone) {
            throw new IllegalStateException("backward already ran for this pass");
        }
        backwardDone = true;
        Tensor dy = dlogits;
        for (int i = ran.size() - 1; i >= 0 && dy != null; i--) {
            dy = ran.get(i).backward(this, dy);
        }
        return dy;
    }

    /** Gives every borrowed tensor back to the workspace. */
    @Override
    public void close() {
        borrowed.forEach(workspace::release);
        borrowed.clear();
        ran.clear();
    }
}
