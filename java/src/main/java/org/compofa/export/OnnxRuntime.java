package org.compofa.export;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * ONNX Runtime (CPU), an optional dependency: training, inference, model files and ONNX <em>writing</em>
 * work without it; running an ONNX model (the export check {@link OnnxVerifier}, the latency timer
 * {@code org.compofa.latency.OnnxRuntimeLatency}) needs it on the class path. This class never links
 * ONNX Runtime's types itself: it checks for them with {@link #isAvailable()} and loads the class that
 * uses them only afterwards, so its callers load on a class path without ONNX Runtime and fail, when
 * they need it, with an {@link OnnxRuntimeMissingException} that says what to add.
 */
public final class OnnxRuntime {
    /** The class whose presence means ONNX Runtime's Java API is on the class path. */
    static final String PROBE_CLASS = "ai.onnxruntime.OrtEnvironment";
    /** The version this build was compiled and tested with (java/pom.xml's {@code onnxruntime.version}). */
    public static final String VERSION = builtVersion();
    /** The Maven coordinates to add: {@code com.microsoft.onnxruntime:onnxruntime:<VERSION>}. */
    public static final String COORDINATES = "com.microsoft.onnxruntime:onnxruntime:" + VERSION;

    private OnnxRuntime() {
    }

    /**
     * Whether ONNX Runtime's Java API is on the class path (its native library is loaded on first use).
     *
     * @return true when the Java API is on the class path
     */
    public static boolean isAvailable() {
        return probe() == null;
    }

    /**
     * Returns normally when ONNX Runtime is on the class path.
     *
     * @param feature what needs it, in words, e.g. {@code "the ONNX export check"}
     * @throws OnnxRuntimeMissingException naming {@code feature} and the dependency to add
     */
    public static void require(String feature) {
        Throwable missing = probe();
        if (missing != null) {
            throw new OnnxRuntimeMissingException(feature + " needs ONNX Runtime, which is not on the class path: add "
                    + "the dependency " + COORDINATES + " (Maven: <groupId>com.microsoft.onnxruntime</groupId> "
                    + "<artifactId>onnxruntime</artifactId> <version>" + VERSION + "</version>)", missing);
        }
    }

    /**
     * The version of the ONNX Runtime in use, e.g. {@code 1.23.2}.
     *
     * @return the version string
     * @throws OnnxRuntimeMissingException when it is not on the class path
     */
    public static String version() {
        require("the ONNX Runtime version");
        return OrtSessionImpl.version();
    }

    /**
     * One loaded ONNX model with one float input ({@link OnnxExporter#INPUT}) and the logits as its first
     * output. Not thread-safe; close it to free the native session.
     */
    public interface Session extends AutoCloseable {
        /**
         * The first output for one input of {@code shape} (NCHW), as {@code [n][classes]}.
         *
         * @param input the input values, NCHW
         * @param shape the input's shape, {n, c, h, w}
         * @return the first output, one row per image
         */
        float[][] run(float[] input, long... shape);

        /**
         * Times {@code warmup} untimed then {@code repeats} timed runs on one input tensor made once;
         * each timed run is the run plus freeing its output. Returns the timed runs' milliseconds.
         *
         * @param input the input values, NCHW
         * @param shape the input's shape, {n, c, h, w}
         * @param warmup untimed runs first
         * @param repeats timed runs
         * @return milliseconds of each timed run, in order
         */
        double[] timeRuns(float[] input, long[] shape, int warmup, int repeats);

        /** Frees the native session. */
        @Override
        void close();
    }

    /**
     * Loads {@code onnx} with ONNX Runtime's default session options.
     *
     * @param onnx the model file's bytes
     * @return the session, to close after use
     * @throws OnnxRuntimeMissingException when ONNX Runtime is not on the class path
     * @throws IllegalStateException       when ONNX Runtime rejects the model
     */
    public static Session open(byte[] onnx) {
        require("running an ONNX model");
        return OrtSessionImpl.open(onnx, false, 0);
    }

    /**
     * Loads {@code onnx} as users deploy it for latency: CPU provider, graph optimisation ALL,
     * sequential execution, {@code threads} intra-op threads (0 = ONNX Runtime's default).
     *
     * @param onnx the model file's bytes
     * @param threads intra-op threads, 0 for ONNX Runtime's default
     * @return the session, to close after use
     * @throws OnnxRuntimeMissingException when ONNX Runtime is not on the class path
     * @throws IllegalStateException       when ONNX Runtime rejects the model
     */
    public static Session openForTiming(byte[] onnx, int threads) {
        require("timing an ONNX model in ONNX Runtime");
        if (threads < 0) {
            throw new IllegalArgumentException("threads " + threads + ": allowed >= 0 (0 = ONNX Runtime's default)");
        }
        return OrtSessionImpl.open(onnx, true, threads);
    }

    /** Null when the probe class loads, else why not. */
    private static Throwable probe() {
        try {
            Class.forName(PROBE_CLASS, false, OnnxRuntime.class.getClassLoader());
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return e;
        }
    }

    private static String builtVersion() {
        try (InputStream in = OnnxRuntime.class.getResourceAsStream("onnxruntime.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "");
            return v.isEmpty() || v.startsWith("${") ? "(the version in compofa's pom)" : v;
        } catch (IOException e) {
            return "(the version in compofa's pom)";
        }
    }
}
