package org.compofa.ops;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;

import org.compofa.bindings.InvalidArgumentException;
import org.compofa.bindings.RawNnOps;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.OpScope;
import org.compofa.runtime.Tensor;

/**
 * The losses of supernet training over logits MATRIX [n][classes] (classes >= 2): per-sample
 * {@code loss} VECTOR [n] (overwritten) and, optionally, the logits' gradient scaled by
 * {@code gradScale} (e.g. 1/n for a mean loss; overwritten, null to skip).
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /**
     * Softmax cross-entropy with label smoothing: target = (1 - smoothing) onehot(label) +
     * smoothing / classes; loss[b] = -sum_j target_j log_softmax(logits[b])_j;
     * dlogits[b][j] = gradScale (softmax_j - target_j).
     *
     * @param labels    LABELS [n], int32 in [0, classes); checked in Java and by the library on the
     *                  host backends (on CUDA they stay on the device and a row with a bad label gets
     *                  a NaN loss)
     * @param smoothing label smoothing, allowed 0 &lt;= smoothing &lt; 1
     * @param gradScale finite
     * @param ctx the context that owns every tensor
     * @param logits MATRIX [n][classes]
     * @param loss VECTOR [n], per-row loss, overwritten
     * @param dlogits MATRIX [n][classes], overwritten, or null to skip the gradient
     */
    public static void softmax(ComputeContext ctx, Tensor logits, Tensor labels, float smoothing, float gradScale,
                               Tensor loss, Tensor dlogits) {
        Args.context(ctx);
        int[] s = logits(ctx, "logits", logits);
        int n = s[0];
        int classes = s[1];
        Args.range("smoothing", smoothing, 0f, 1f, false);
        Args.finite("gradScale", gradScale);
        Args.tensor(ctx, "labels", labels, Layout.LABELS, new int[] {n});
        Args.tensor(ctx, "loss", loss, Layout.VECTOR, new int[] {n});
        Args.optional(ctx, "dlogits", dlogits, Layout.MATRIX, s);
        Args.allDistinct(new Tensor[] {loss, dlogits}, new String[] {"loss", "dlogits"},
                new Tensor[] {logits, labels}, new String[] {"logits", "labels"});
        if (ctx.backend() != Backend.CUDA) {
            MemorySegment host = labels.buffer().hostSegment();
            for (int b = 0; b < n; b++) {
                int label = host.getAtIndex(JAVA_INT_UNALIGNED, b);
                if (label < 0 || label >= classes) {
                    throw new InvalidArgumentException("labels[" + b + "]=" + label + ": allowed 0 .. " + (classes - 1)
                            + " (classes - 1)");
                }
            }
        }
        try (OpScope op = ctx.op()) {
            RawNnOps.softmaxCrossEntropy(op.context(), null, n, classes, op.address(logits), logits.length(),
                    op.address(labels), labels.length(), smoothing, gradScale, op.address(loss), loss.length(),
                    op.addressOrZero(dlogits), Args.length(dlogits));
        }
    }

    /**
     * Knowledge distillation (temperature 1): loss[b] = -sum_j softmax(teacher[b])_j
     * log_softmax(student[b])_j; dstudent[b][j] = gradScale (softmax(student)_j - softmax(teacher)_j).
     * The teacher gets no gradient.
     *
     * @param ctx the context that owns every tensor
     * @param student logits MATRIX [n][classes]
     * @param teacher logits MATRIX [n][classes]
     * @param gradScale finite; e.g. 1/n for a mean loss
     * @param loss VECTOR [n], per-row loss, overwritten
     * @param dstudent MATRIX [n][classes], overwritten, or null
     */
    public static void soft(ComputeContext ctx, Tensor student, Tensor teacher, float gradScale, Tensor loss,
                            Tensor dstudent) {
        Args.context(ctx);
        int[] s = logits(ctx, "student", student);
        Args.finite("gradScale", gradScale);
        Args.sameAs(ctx, "teacher", teacher, "student", student);
        Args.tensor(ctx, "loss", loss, Layout.VECTOR, new int[] {s[0]});
        Args.optional(ctx, "dstudent", dstudent, Layout.MATRIX, s);
        Args.allDistinct(new Tensor[] {loss, dstudent}, new String[] {"loss", "dstudent"},
                new Tensor[] {student, teacher}, new String[] {"student", "teacher"});
        try (OpScope op = ctx.op()) {
            RawNnOps.softCrossEntropy(op.context(), null, s[0], s[1], op.address(student), op.address(teacher),
                    student.length(), gradScale, op.address(loss), loss.length(), op.addressOrZero(dstudent),
                    Args.length(dstudent));
        }
    }

    private static int[] logits(ComputeContext ctx, String name, Tensor t) {
        Args.notNull(name, t);
        ctx.checkOwns(name, t);
        if (t.layout() != Layout.MATRIX) {
            throw new InvalidArgumentException(name + " has layout " + t.layout() + "; allowed MATRIX [n][classes]");
        }
        if (t.dim(1) < 2) {
            throw new InvalidArgumentException(name + " " + t.describeShape() + " has " + t.dim(1)
                    + " class(es); allowed classes >= 2");
        }
        return t.shape();
    }
}
