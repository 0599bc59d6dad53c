package org.compofa.bench.torch;

import static org.bytedeco.pytorch.global.torch.cross_entropy_loss;
import static org.bytedeco.pytorch.global.torch.log_softmax;
import static org.bytedeco.pytorch.global.torch.softmax;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.compofa.space.Subnet;
import org.compofa.train.ParameterGroups;
import org.compofa.train.TrainingConfig;

/**
 * One CompOFA compound training step written directly in libtorch (eager autograd), the same
 * computation as our {@code TrainingStep}: the frozen teacher's logits once (batch statistics, no
 * grad), then per subnet a forward, loss = (CE with label smoothing + kd * soft-CE to the teacher's
 * softmax) * 2 / (kd + 1) and {@code backward()} (gradients add up in the shared weights), then one
 * SGD-Nesterov update with weight decay except on names containing bn or bias: {@code torch.optim.SGD}'s
 * formula as tensor ops under no-grad. Every tensor a step creates is freed when it returns.
 */
public final class TorchCompoundStep {
    /** {@code at::Reduction::Mean}. */
    private static final long REDUCTION_MEAN = 1;
    private static final long IGNORE_NONE = -100;

    private final TorchSupernet student;
    private final TorchSupernet teacher;
    private final TrainingConfig config;
    private final ParameterGroups groups;
    private final Map<String, Tensor> momentum = new LinkedHashMap<>();

    /** @param teacher null when the config's kd ratio is 0 */
    public TorchCompoundStep(TorchSupernet student, TorchSupernet teacher, TrainingConfig config) {
        if (config.kdRatio() > 0 && teacher == null) {
            throw new IllegalArgumentException("kd ratio " + config.kdRatio() + " needs a teacher");
        }
        this.student = student;
        this.teacher = teacher;
        this.config = config;
        this.groups = ParameterGroups.split(student.parameters().keySet(), config.sgd().weightDecay());
        try (NoGradGuard _ = new NoGradGuard()) {
            student.parameters().forEach((n, p) -> momentum.put(n, p.detach().clone().zero_()));
        }
    }

    /**
     * Runs the step on NCHW {@code images} and int64 {@code labels} for {@code subnets} at {@code lr};
     * returns the loss averaged over the subnets.
     */
    public double run(Tensor images, Tensor labels, List<Subnet> subnets, double lr) {
        try (PointerScope _ = new PointerScope()) {
            double kd = config.kdRatio();
            double scale = kd > 0 ? 2.0 / (kd + 1.0) : 1.0;
            Tensor target = null;
            if (kd > 0) {
                try (NoGradGuard _ = new NoGradGuard()) {
                    target = softmax(teacher.forward(teacher.largestSubnet(), images, TorchSupernet.BnMode.BATCH_ONLY, 0), 1);
                }
            }
            for (Tensor p : student.parameters().values()) {
                Tensor grad = p.grad();
                if (grad.defined()) {
                    grad.zero_();
                }
            }
            double lossSum = 0;
            for (Subnet subnet : subnets) {
                Tensor logits = student.forward(subnet, images, TorchSupernet.BnMode.TRAIN, config.dropout());
                Tensor loss = cross_entropy_loss(logits, labels, new TensorOptional(), REDUCTION_MEAN, IGNORE_NONE,
                        config.labelSmoothing());
                if (target != null) {
                    Tensor soft = target.mul(log_softmax(logits, 1)).sum(1).mean().neg();
                    loss = loss.add(soft.mul(new Scalar(kd)));
                }
                loss = loss.mul(new Scalar(scale));
                loss.backward();
                lossSum += loss.item_float();
            }
            sgd(lr);
            return lossSum / subnets.size();
        }
    }

    /**
     * torch.optim.SGD(momentum, nesterov, weight_decay per group): d = g + wd p; buf = m buf + d;
     * d += m buf; p -= lr d. Like our optimizer (and PyTorch's zero_grad before set_to_none), every
     * parameter steps, also one no subnet used.
     */
    private void sgd(double lr) {
        Scalar m = new Scalar(config.sgd().momentum());
        Scalar step = new Scalar(lr);
        try (NoGradGuard _ = new NoGradGuard()) {
            for (var e : student.parameters().entrySet()) {
                Tensor p = e.getValue();
                Tensor grad = p.grad();
                if (!grad.defined()) {
                    grad = p.detach().mul(new Scalar(0.0));  // not used yet: decay and momentum still apply, as ours
                }
                double wd = groups.decayFor(e.getKey());
                Tensor d = wd > 0 ? grad.add(p, new Scalar(wd)) : grad;
                Tensor buf = momentum.get(e.getKey());
                buf.mul_(m).add_(d);
                d = config.sgd().nesterov() ? d.add(buf, m) : buf;
                p.sub_(d, step);
            }
        }
    }

    /** Int64 labels from our int labels. */
    public static Tensor labels(int[] labels) {
        float[] f = new float[labels.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = labels[i];
        }
        return TorchSupernet.fromArray(f, labels.length).to(torch.kLong());
    }

    /** NCHW images from our NHWC [n][r][r][c] batch. */
    public static Tensor images(float[] nhwc, int n, int r, int channels) {
        return TorchSupernet.fromArray(nhwc, n, r, r, channels).permute(0, 3, 1, 2).contiguous();
    }
}
