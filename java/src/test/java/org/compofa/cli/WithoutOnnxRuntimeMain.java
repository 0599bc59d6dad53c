package org.compofa.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.compofa.export.ModelFile;
import org.compofa.export.OnnxExporter;
import org.compofa.export.OnnxRuntime;
import org.compofa.export.OnnxRuntimeMissingException;
import org.compofa.export.OnnxVerifier;
import org.compofa.latency.OnnxRuntimeLatency;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.MobileNetV3Geometry;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;

/**
 * Run by {@link WithoutOnnxRuntimeTest} in a JVM whose class path lacks ONNX Runtime: each step prints
 * one {@code OK <step>} line or throws (exit 1). {@code core DIR}: a forward, ONNX bytes, a model file
 * written and loaded back to the same logits, and the typed message of every ONNX Runtime feature.
 * {@code cli FIXTURE DIR}: {@code compofa export} (check skipped, exit 0) and {@code latency --engine ort}
 * (exit 1 with the message) on a run imported from the OFA fixture.
 */
public final class WithoutOnnxRuntimeMain {
    private WithoutOnnxRuntimeMain() {
    }

    /** @param args {@code core DIR} or {@code cli FIXTURE DIR} */
    public static void main(String[] args) throws Exception {
        try {
            Class.forName("ai.onnxruntime.OrtEnvironment");
            throw new AssertionError("ONNX Runtime is on this class path; the test must remove it");
        } catch (ClassNotFoundException expected) {
            System.out.println("OK no ONNX Runtime on the class path");
        }
        if (args[0].equals("core")) {
            core(Path.of(args[1]));
        } else {
            cli(Path.of(args[1]), Path.of(args[2]));
        }
    }

    private static void core(Path dir) throws Exception {
        check(!OnnxRuntime.isAvailable(), "isAvailable() is false");
        System.out.println("OK OnnxRuntime.isAvailable() is false");
        NetworkSpec spec = NetworkSpec.supernet(MobileNetV3Geometry.smallInput(0.5, 1, 10), SearchSpaces.MBV3_SLOTS,
                KernelTransform.NONE);
        SplittableRandom rnd = new SplittableRandom(23);
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Network net = new Network(ctx, spec, 5);
             Workspace ws = new Workspace(ctx)) {
            Subnet subnet = SearchSpaces.compOfa(0.5, org.compofa.space.ResolutionSet.of(28)).sample(rnd, 28);
            float[] img = new float[3 * 28 * 28];
            for (int i = 0; i < img.length; i++) {
                img[i] = (float) rnd.nextGaussian();
            }
            float[] logits;
            try (Tensor x = Tensor.of(ctx, Layout.NHWC, img, 3, 28, 28, 1); Pass p = Pass.eval(ws)) {
                logits = net.forward(p, subnet, x).toArray();
            }
            check(logits.length == 30 && allFinite(logits), "a forward gives 3 x 10 finite logits");
            System.out.println("OK a forward gives 3 x 10 finite logits");
            byte[] onnx = OnnxExporter.export(net, subnet);
            check(onnx.length > 10_000, "ONNX bytes written (" + onnx.length + ")");
            System.out.println("OK ONNX bytes written (" + onnx.length + ")");
            Path file = dir.resolve("m.cmpf");
            ModelFile.write(file, net, subnet, "test-space");
            ModelFile.Model model = ModelFile.read(file, ctx);
            try (Network loaded = model.network(); Tensor x = Tensor.of(ctx, Layout.NHWC, img, 3, 28, 28, 1);
                 Pass p = Pass.eval(ws)) {
                float[] again = loaded.forward(p, model.subnet(), x).toArray();
                for (int i = 0; i < logits.length; i++) {
                    check(Math.abs(again[i] - logits[i]) <= 1e-4 * (1 + Math.abs(logits[i])), "logit " + i);
                }
            }
            System.out.println("OK model file loaded back, same logits");
            missing("OnnxVerifier.compare", () -> OnnxVerifier.compare(onnx, net, subnet, 2, 1));
            missing("OnnxVerifier.runOnnx", () -> OnnxVerifier.runOnnx(onnx, new float[28 * 28], 1, 1, 28));
            missing("new OnnxRuntimeLatency", () -> new OnnxRuntimeLatency(net, 1, 0, 1, 0));
            missing("OnnxRuntimeLatency.platform", () -> OnnxRuntimeLatency.platform(1, 0));
            missing("OnnxRuntime.open", () -> OnnxRuntime.open(onnx));
        }
    }

    private static void cli(Path fixture, Path dir) {
        String run = dir.resolve("run").toString();
        Result imported = cli("import", fixture.toString(), "--out", run, "--space", ImportedRunCommandsTest.SPACE);
        check(imported.status == 0, "import: " + imported);
        Result export = cli("export", "--run", run, "--resolution", "128", "--backend", "cpu", "--out",
                dir.resolve("m").toString());
        check(export.status == 0, "export exits 0 without ONNX Runtime: " + export);
        check(export.out.contains("ONNX Runtime check SKIPPED") && export.out.contains(OnnxRuntime.COORDINATES),
                "export says the check was skipped and what to add: " + export);
        check(Files.isRegularFile(dir.resolve("m.onnx")) && Files.isRegularFile(dir.resolve("m.cmpf")),
                "export wrote m.onnx and m.cmpf");
        System.out.println("OK export: " + export.out.lines().filter(l -> l.contains("SKIPPED")).findFirst().orElseThrow());
        Result latency = cli("latency", "--run", run, "--engine", "ort", "--backend", "cpu");
        check(latency.status == 1 && latency.err.contains(OnnxRuntime.COORDINATES)
                && !latency.err.contains("unexpected"), "latency --engine ort: exit 1 with what to add: " + latency);
        System.out.println("OK latency --engine ort: " + latency.err.strip());
    }

    private record Result(int status, String out, String err) {
    }

    private static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void missing(String what, Runnable feature) {
        try {
            feature.run();
            throw new AssertionError(what + " ran without ONNX Runtime");
        } catch (OnnxRuntimeMissingException e) {
            check(e.getMessage().contains("com.microsoft.onnxruntime:onnxruntime:" + OnnxRuntime.VERSION)
                    && OnnxRuntime.VERSION.matches("\\d+\\.\\d+\\.\\d+.*"), what + ": " + e.getMessage());
            System.out.println("OK " + what + ": " + e.getMessage());
        }
    }

    private static boolean allFinite(float[] v) {
        for (float f : v) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
