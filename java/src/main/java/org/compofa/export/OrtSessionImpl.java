package org.compofa.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The only class of the library that links ONNX Runtime's types: loaded by {@link OnnxRuntime} after it
 * checked that they are on the class path (a class whose methods catch {@code OrtException} fails
 * verification without them, so no other class may hold this code).
 */
final class OrtSessionImpl implements OnnxRuntime.Session {
    private final OrtSession session;
    private boolean closed;

    private OrtSessionImpl(OrtSession session) {
        this.session = session;
    }

    static String version() {
        return OrtEnvironment.getEnvironment().getVersion();
    }

    static OnnxRuntime.Session open(byte[] onnx, boolean forTiming, int threads) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (forTiming) {
                opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                if (threads > 0) {
                    opts.setIntraOpNumThreads(threads);
                }
            }
            return new OrtSessionImpl(env.createSession(onnx, opts));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejected the model: " + e.getMessage(), e);
        }
    }

    @Override
    public float[][] run(float[] input, long... shape) {
        check();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result out = session.run(Map.of(OnnxExporter.INPUT, x))) {
            return (float[][]) out.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
        }
    }

    @Override
    public double[] timeRuns(float[] input, long[] shape, int warmup, int repeats) {
        check();
        double[] ms = new double[repeats];
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape)) {
            Map<String, OnnxTensor> in = Map.of(OnnxExporter.INPUT, x);
            for (int i = 0; i < warmup + repeats; i++) {
                long t0 = System.nanoTime();
                session.run(in).close();
                if (i >= warmup) {
                    ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
        }
        return ms;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("the ONNX Runtime session is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to close a session: " + e.getMessage(), e);
        }
    }
}
