package org.compofa.latency;

import java.util.Objects;
import org.compofa.export.OnnxExporter;
import org.compofa.export.OnnxRuntime;
import org.compofa.export.OnnxRuntimeMissingException;
import org.compofa.nn.Network;
import org.compofa.space.Subnet;

/**
 * Times inference of subnets of one network in ONNX Runtime on the CPU, as users deploy them: the
 * subnet is exported ({@link OnnxExporter}), loaded into a session (CPU execution provider, graph
 * optimisation level ALL, sequential execution, {@code threads} intra-op threads), then run on a
 * seeded random NCHW input of the given batch: {@code warmup} untimed runs, then {@code repeats}
 * timed ones, summarised by {@link LatencyStats} like {@link LatencyMeasurer}'s. Each timed run is
 * {@code session.run} plus freeing its output. The session of the last subnet is kept, so timing
 * one subnet again (e.g. alternating with our backend) does not rebuild it. Not thread-safe.
 *
 * <p>ONNX Runtime is an optional dependency ({@link OnnxRuntime}): without it on the class path the
 * constructor, {@link #version()} and {@link #platform} throw {@link OnnxRuntimeMissingException}.
 */
public final class OnnxRuntimeLatency implements SubnetTimer, AutoCloseable {
    private final Network net;
    private final int batch;
    private final int warmup;
    private final int repeats;
    private final int threads;
    private Subnet sessionSubnet;
    private OnnxRuntime.Session session;
    private boolean closed;

    /**
     * A timer of {@code net}'s exported subnets in ONNX Runtime on the CPU.
     *
     * @param net     the network whose subnets are exported and timed
     * @param batch   images per run, >= 1
     * @param warmup  untimed runs first, >= 0
     * @param repeats timed runs, >= 1
     * @param threads ONNX Runtime intra-op threads, >= 0 (0 = ONNX Runtime's default)
     * @throws OnnxRuntimeMissingException when ONNX Runtime is not on the class path
     */
    public OnnxRuntimeLatency(Network net, int batch, int warmup, int repeats, int threads) {
        OnnxRuntime.require("the ONNX Runtime latency timer");
        this.net = Objects.requireNonNull(net, "net");
        if (batch < 1 || warmup < 0 || repeats < 1 || threads < 0) {
            throw new IllegalArgumentException("batch " + batch + " >= 1, warm-up " + warmup + " >= 0, repeats "
                    + repeats + " >= 1 and threads " + threads + " >= 0 (0 = ONNX Runtime default) needed");
        }
        this.batch = batch;
        this.warmup = warmup;
        this.repeats = repeats;
        this.threads = threads;
    }

    /**
     * The ONNX Runtime version in use, e.g. {@code 1.23.2}.
     *
     * @return the version string
     * @throws OnnxRuntimeMissingException when ONNX Runtime is not on the class path
     */
    public static String version() {
        return OnnxRuntime.version();
    }

    /**
     * The platform of ONNX Runtime's CPU provider at {@code batch}: name {@code ort-cpu-b<batch>}.
     *
     * @param batch images per run
     * @param threads ONNX Runtime intra-op threads, 0 for its default
     * @return the platform description
     * @throws OnnxRuntimeMissingException when ONNX Runtime is not on the class path
     */
    public static Platform platform(int batch, int threads) {
        return new Platform("ort-cpu-b" + batch, Platform.cpuModel(), "ONNX Runtime " + version()
                + " CPU EP, threads " + (threads == 0 ? "default" : Integer.toString(threads)), batch, threads);
    }

    /** The latency of {@code subnet} at its resolution in ONNX Runtime. */
    @Override
    public LatencyStats measure(Subnet subnet) {
        Objects.requireNonNull(subnet, "subnet");
        OnnxRuntime.Session s = session(subnet);
        int r = subnet.resolution();
        int c = net.spec().geometry().inputChannels();
        float[] data = SubnetTimer.input(batch * c * r * r, r);
        try {
            return LatencyStats.of(s.timeRuns(data, new long[] {batch, c, r, r}, warmup, repeats));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(subnet.id() + ": " + e.getMessage(), e);
        }
    }

    private OnnxRuntime.Session session(Subnet subnet) {
        if (closed) {
            throw new IllegalStateException("ONNX Runtime timer is closed");
        }
        if (subnet.equals(sessionSubnet)) {
            return session;
        }
        closeSession();
        byte[] onnx = OnnxExporter.export(net, subnet);
        try {
            session = OnnxRuntime.openForTiming(onnx, threads);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the export of " + subnet.id() + ": " + e.getMessage(), e);
        }
        sessionSubnet = subnet;
        return session;
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } finally {
                session = null;
                sessionSubnet = null;
            }
        }
    }

    /** Frees the kept session. */
    @Override
    public void close() {
        closed = true;
        closeSession();
    }
}
