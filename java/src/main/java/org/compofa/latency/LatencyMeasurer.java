package org.compofa.latency;

import java.util.Objects;
import org.compofa.nn.Mode;
import org.compofa.nn.Network;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Backend;
import org.compofa.runtime.DeviceTimer;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;

/**
 * Times inference of subnets of one network on its context: a random input of the platform's
 * batch, {@code warmup} untimed runs, then {@code repeats} timed runs, each ended by a
 * synchronisation of the context (so CUDA work is complete), summarised by {@link LatencyStats}.
 * The network runs in {@code EVAL} mode reading the supernet's slices in place, which costs what the
 * extracted subnet costs (same ops, same sizes). Not thread-safe.
 */
public final class LatencyMeasurer implements SubnetTimer, AutoCloseable {
    private final Network net;
    private final int batch;
    private final int warmup;
    private final int repeats;
    private final Mode mode;
    private final Workspace ws;

    /**
     * A measurer whose runs use {@link Mode#EVAL} (the fused inference ops).
     *
     * @param net     the network whose subnets are timed
     * @param batch   images per run, >= 1
     * @param warmup  untimed runs first, >= 0
     * @param repeats timed runs, >= 1
     */
    public LatencyMeasurer(Network net, int batch, int warmup, int repeats) {
        this(net, batch, warmup, repeats, Mode.EVAL);
    }

    /**
     * A measurer whose runs use {@code mode}: {@link Mode#EVAL} (fused inference ops, the default) or
     * {@link Mode#EVAL_UNFUSED} (the separate ops, to measure what fusion gains).
     *
     * @param net the network whose subnets are timed
     * @param batch images per run, &gt;= 1
     * @param warmup untimed runs, &gt;= 0
     * @param repeats timed runs, &gt;= 1
     * @param mode EVAL or EVAL_UNFUSED
     */
    public LatencyMeasurer(Network net, int batch, int warmup, int repeats, Mode mode) {
        this.net = Objects.requireNonNull(net, "net");
        if (mode != Mode.EVAL && mode != Mode.EVAL_UNFUSED) {
            throw new IllegalArgumentException("mode " + mode + ": allowed EVAL or EVAL_UNFUSED (inference)");
        }
        this.mode = mode;
        if (batch < 1 || warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("batch " + batch + " >= 1, warm-up " + warmup + " >= 0 and repeats "
                    + repeats + " >= 1 needed");
        }
        this.batch = batch;
        this.warmup = warmup;
        this.repeats = repeats;
        this.ws = new Workspace(net.context());
    }

    /**
     * The latency of {@code subnet} at its resolution. On CUDA each run is timed with a
     * {@link DeviceTimer} (CUDA events recorded on the stream around the forward), because host wall
     * time around asynchronous kernels and a synchronisation also counts the synchronisation's own
     * latency and host-side work that is not the network's; on the host backends, whose ops run
     * synchronously, wall time is what a run costs.
     */
    @Override
    public LatencyStats measure(Subnet subnet) {
        int r = subnet.resolution();
        int c = net.spec().geometry().inputChannels();
        float[] data = SubnetTimer.input(batch * r * r * c, r);
        double[] ms = new double[repeats];
        boolean onDevice = net.context().backend() == Backend.CUDA;
        try (Tensor x = Tensor.of(net.context(), Layout.NHWC, data, batch, r, r, c);
             DeviceTimer timer = onDevice ? DeviceTimer.open(net.context()) : null) {
            for (int i = 0; i < warmup + repeats; i++) {
                long t0 = System.nanoTime();
                try (Pass p = mode == Mode.EVAL ? Pass.eval(ws) : Pass.evalUnfused(ws)) {
                    if (onDevice) {
                        timer.start();
                    }
                    net.forward(p, subnet, x);
                    if (onDevice) {
                        timer.stop();
                    }
                    net.context().synchronize();
                }
                if (i >= warmup) {
                    ms[i - warmup] = onDevice ? timer.elapsedMillis() : (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        return LatencyStats.of(ms);
    }

    /** Frees the activation memory. */
    @Override
    public void close() {
        ws.close();
    }
}
