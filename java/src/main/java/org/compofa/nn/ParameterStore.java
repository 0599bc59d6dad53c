package org.compofa.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.train.NamedArray;

/**
 * The tensors of one network on one context: learnable parameters (each with a gradient) and
 * buffers (batch-norm running statistics), in creation order, names unique. Owns their memory.
 */
public final class ParameterStore implements AutoCloseable {
    private final ComputeContext ctx;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    ParameterStore(ComputeContext ctx) {
        this.ctx = ctx;
    }

    /**
     * The context holding every tensor.
     *
     * @return the context
     */
    public ComputeContext context() {
        return ctx;
    }

    Parameter parameter(String name, Layout layout, float[] init, int... shape) {
        checkNew(name);
        Tensor value = Tensor.of(ctx, layout, init, shape);
        Parameter p = new Parameter(name, value, Tensor.zeros(ctx, layout, shape));
        parameters.put(name, p);
        return p;
    }

    Tensor buffer(String name, float fill, int length) {
        checkNew(name);
        Tensor t = Tensor.zeros(ctx, Layout.VECTOR, length);
        if (fill != 0f) {
            t.fill(fill);
        }
        buffers.put(name, t);
        return t;
    }

    BatchNormWeights batchNorm(String name, int channels) {
        float[] ones = new float[channels];
        java.util.Arrays.fill(ones, 1f);
        return new BatchNormWeights(name, parameter(name + ".gamma", Layout.VECTOR, ones, channels),
                parameter(name + ".beta", Layout.VECTOR, new float[channels], channels),
                buffer(name + ".running_mean", 0f, channels), buffer(name + ".running_var", 1f, channels));
    }

    private void checkNew(String name) {
        if (parameters.containsKey(name) || buffers.containsKey(name)) {
            throw new IllegalStateException("tensor name '" + name + "' used twice");
        }
    }

    /**
     * Learnable parameters in creation order.
     *
     * @return the parameters
     */
    public List<Parameter> parameters() {
        return List.copyOf(parameters.values());
    }

    /**
     * The parameter of that name.
     *
     * @param name the parameter's name, e.g. {@code stage2.block1.dw.weight}
     * @return the parameter
     */
    public Parameter parameter(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'");
        }
        return p;
    }

    /**
     * Buffers (running statistics) by name, in creation order.
     *
     * @return buffers by name
     */
    public Map<String, Tensor> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /**
     * Number of learnable floats.
     *
     * @return the count
     */
    public long parameterCount() {
        return parameters.values().stream().mapToLong(p -> p.value().length()).sum();
    }

    /** Sets every gradient to zero. */
    public void zeroGrad() {
        for (Parameter p : parameters.values()) {
            p.grad().fill(0f);
        }
    }

    /**
     * Parameters then buffers as named host arrays (for checkpoints and export).
     *
     * @return the arrays, parameters first
     */
    public List<NamedArray> toArrays() {
        List<NamedArray> out = new ArrayList<>();
        parameters.values().forEach(p -> out.add(new NamedArray(p.name(), p.value().shape(), p.value().toArray())));
        buffers.forEach((n, t) -> out.add(new NamedArray(n, t.shape(), t.toArray())));
        return out;
    }

    /**
     * Gradients as named host arrays, names suffixed {@code .grad} (for tests and debugging).
     *
     * @return the gradient arrays
     */
    public List<NamedArray> gradients() {
        List<NamedArray> out = new ArrayList<>();
        parameters.values().forEach(p -> out.add(new NamedArray(p.name() + ".grad", p.grad().shape(),
                p.grad().toArray())));
        return out;
    }

    /**
     * Loads every parameter and buffer from {@code arrays} (extra arrays are ignored).
     *
     * @param arrays named host arrays; each of this store's tensors must be present with its shape
     * @throws IllegalArgumentException naming the first missing tensor or shape mismatch
     */
    public void load(List<NamedArray> arrays) {
        Map<String, NamedArray> byName = new LinkedHashMap<>();
        arrays.forEach(a -> byName.put(a.name(), a));
        Map<String, Tensor> targets = tensorsByName();
        for (var e : targets.entrySet()) {
            NamedArray a = byName.get(e.getKey());
            if (a == null) {
                throw new IllegalArgumentException("no array named '" + e.getKey() + "' to load");
            }
            if (!a.hasShape(e.getValue().shape())) {
                throw new IllegalArgumentException("array '" + e.getKey() + "' has shape "
                        + java.util.Arrays.toString(a.shape()) + "; the network needs "
                        + java.util.Arrays.toString(e.getValue().shape()));
            }
        }
        targets.forEach((n, t) -> t.copyFrom(byName.get(n).values()));
    }

    /** Parameter values then buffers, by name. */
    private Map<String, Tensor> tensorsByName() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        parameters.forEach((n, p) -> all.put(n, p.value()));
        all.putAll(buffers);
        return all;
    }

    /**
     * Copies every parameter and buffer of a store of the same layout (e.g. teacher -> student).
     *
     * @param other a store of the same layout
     */
    public void copyFrom(ParameterStore other) {
        load(other.toArrays());
    }

    /**
     * Copies the tensors both stores hold (same name and shape) and returns the names of this
     * store's tensors that {@code other} lacks, which keep their values: e.g. an OFA student's
     * kernel-transform matrices stay identity when it starts from a teacher without them.
     *
     * @param other another store
     * @return names of this store's tensors left unchanged
     * @throws IllegalArgumentException when a shared name has another shape
     */
    public List<String> copySharedFrom(ParameterStore other) {
        Map<String, NamedArray> theirs = new LinkedHashMap<>();
        other.toArrays().forEach(a -> theirs.put(a.name(), a));
        Map<String, Tensor> targets = tensorsByName();
        List<String> missing = new ArrayList<>();
        targets.forEach((n, t) -> {
            NamedArray a = theirs.get(n);
            if (a == null) {
                missing.add(n);
            } else if (!a.hasShape(t.shape())) {
                throw new IllegalArgumentException("'" + n + "' has shape " + java.util.Arrays.toString(a.shape())
                        + " in the source but " + java.util.Arrays.toString(t.shape()) + " here");
            } else {
                t.copyFrom(a.values());
            }
        });
        return missing;
    }

    /** He fan-out normal init, as OFA's 'he_fout': N(0, sqrt(2 / (k k cout))). */
    static float[] heFanOut(SplittableRandom rnd, int count, int kernelTaps, int outChannels) {
        double std = Math.sqrt(2.0 / ((double) kernelTaps * outChannels));
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) (gaussian(rnd) * std);
        }
        return v;
    }

    /** PyTorch Linear's default U(-1/sqrt(in), 1/sqrt(in)). */
    static float[] uniformFanIn(SplittableRandom rnd, int count, int fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        return v;
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = 1.0 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    /** Frees every tensor. */
    @Override
    public void close() {
        parameters.values().forEach(p -> {
            p.value().close();
            p.grad().close();
        });
        buffers.values().forEach(Tensor::close);
    }
}
