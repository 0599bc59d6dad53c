package org.compofa.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.compofa.latency.Platform;
import org.compofa.nn.Network;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;

/**
 * The latency platforms of a comparison: the CPU always, and the GPU when the comparison runs on
 * one. Each has a network of the recipe's spec to time subnets with (weights do not change the
 * time): on the comparison's own context the CompOFA supernet, on an extra CPU context a fresh one,
 * which this object owns and closes.
 */
final class Platforms implements AutoCloseable {
    /** A platform and the network timed on it. */
    record Entry(Platform platform, Network net) {
    }

    private final List<Entry> entries;
    private final ComputeContext extraContext;
    private final Network extraNet;

    private Platforms(List<Entry> entries, ComputeContext extraContext, Network extraNet) {
        this.entries = List.copyOf(entries);
        this.extraContext = extraContext;
        this.extraNet = extraNet;
    }

    /** The platforms for a comparison on {@code ctx} whose CompOFA supernet is {@code net}. */
    static Platforms open(ComputeContext ctx, Network net, ComparisonSettings s) {
        List<Entry> entries = new ArrayList<>();
        if (ctx.backend() != Backend.CUDA) {
            entries.add(new Entry(platform(ctx, s.latencyBatch()), net));
            return new Platforms(entries, null, null);
        }
        ComputeContext cpu = ComputeContext.open(Backend.CPU);
        Network cpuNet;
        try {
            cpuNet = new Network(cpu, net.spec(), 0);
        } catch (RuntimeException e) {
            cpu.close();
            throw e;
        }
        entries.add(new Entry(platform(cpu, s.latencyBatch()), cpuNet));
        entries.add(new Entry(platform(ctx, s.gpuLatencyBatch()), net));
        return new Platforms(entries, cpu, cpuNet);
    }

    /** A platform named {@code <backend>-b<batch>} (as {@code compofa latency} names them). */
    static Platform platform(ComputeContext c, int batch) {
        boolean gpu = c.backend() == Backend.CUDA;
        return new Platform(c.backend().name().toLowerCase(Locale.ROOT) + "-b" + batch,
                gpu ? c.describe() : Platform.cpuModel(), "compofa " + c.backend() + " backend, JDK "
                + Runtime.version() + ", OPENBLAS_NUM_THREADS="
                + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset"), batch, 0);
    }

    /** CPU first, then the GPU if any. */
    List<Entry> entries() {
        return entries;
    }

    @Override
    public void close() {
        if (extraNet != null) {
            extraNet.close();
        }
        if (extraContext != null) {
            extraContext.close();
        }
    }
}
