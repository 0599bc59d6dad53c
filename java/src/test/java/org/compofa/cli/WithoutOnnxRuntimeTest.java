package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.compofa.export.OnnxRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime is optional: in a child JVM whose class path is this one's minus the onnxruntime jar,
 * the core works (forward, ONNX writing, model files) and every ONNX Runtime feature throws the typed
 * exception naming the dependency to add; the CLI's export skips its check (exit 0) and
 * {@code latency --engine ort} fails with the message (exit 1). Steps: {@link WithoutOnnxRuntimeMain}.
 */
class WithoutOnnxRuntimeTest {
    @Test
    void coreWorksAndOrtFeaturesSayWhatToAdd(@TempDir Path dir) throws Exception {
        String out = runChild("core", dir.toString());
        for (String step : List.of("a forward gives", "ONNX bytes written", "model file loaded back",
                "OK OnnxVerifier.compare: the ONNX export check needs ONNX Runtime", "OK new OnnxRuntimeLatency",
                "OK OnnxRuntimeLatency.platform", "OK OnnxRuntime.open")) {
            assertTrue(out.contains(step), "missing step '" + step + "' in:\n" + out);
        }
    }

    @Test
    void cliExportSkipsTheCheckAndOrtLatencyFails(@TempDir Path dir) throws Exception {
        Path fixture = ImportCommandTest.fixtures().resolve(ImportCommandTest.COMPOFA_W12);
        String out = runChild("cli", fixture.toAbsolutePath().toString(), dir.toString());
        assertTrue(out.contains("OK export: ONNX Runtime check SKIPPED"), out);
        assertTrue(out.contains("OK latency --engine ort: compofa latency: compofa latency --engine ort needs ONNX "
                + "Runtime"), out);
    }

    @Test
    void onnxRuntimeIsHereInThisJvm() {
        // The contrast: the same checks pass here because the test class path has it.
        assertTrue(OnnxRuntime.isAvailable());
        assertEquals(ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(), OnnxRuntime.version());
        assertTrue(OnnxRuntime.COORDINATES.endsWith(":" + OnnxRuntime.VERSION));
    }

    /** Runs {@link WithoutOnnxRuntimeMain} without the onnxruntime jar; its output, after checking exit 0. */
    private static String runChild(String... args) throws Exception {
        List<String> kept = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            (Path.of(entry).getFileName().toString().startsWith("onnxruntime") ? removed : kept).add(entry);
        }
        assertEquals(1, removed.size(), "exactly one onnxruntime jar on the test class path: " + removed);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xss4m"));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("compofa."))
                .forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
        command.addAll(List.of("-cp", String.join(File.pathSeparator, kept), WithoutOnnxRuntimeMain.class.getName()));
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "child JVM finished");
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "child JVM without ONNX Runtime:\n" + out);
        return out;
    }
}
