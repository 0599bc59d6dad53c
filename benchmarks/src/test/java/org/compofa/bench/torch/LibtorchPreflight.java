package org.compofa.bench.torch;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads JavaCPP's libtorch once in a child JVM before a test loads it into the test JVM.
 *
 * <p>Why: a crash while loading native code kills the whole test JVM, and with it every result of the
 * module. A tester saw exactly that (SIGSEGV in {@code System.load}) on a machine where Debian's
 * {@code libtorch-dev} put an unversioned {@code libtorch_cpu.so} of another libtorch on the linker path.
 * The child takes the risk: if it dies or fails, the libtorch tests are reported as aborted (SKIPPED)
 * with the child's own message and the likely cause, never as a JVM crash. A healthy machine pays one
 * JVM start (a few seconds).
 */
final class LibtorchPreflight {
    private static final long TIMEOUT_S = 180;
    private static volatile String failure;  // null until checked; "" when the child loaded libtorch
    private LibtorchPreflight() {}

    /** Aborts the calling test (SKIPPED, with the reason) when libtorch cannot be loaded safely here. */
    static synchronized void assumeLoadable() {
        if (failure == null) {
            failure = probe();
        }
        if (!failure.isEmpty()) {
            abort(failure);
        }
    }

    private static String probe() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Child.class.getName());
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "loading JavaCPP's libtorch in a child JVM did not finish in " + TIMEOUT_S + " s";
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() == 0) {
                return "";
            }
            return "loading JavaCPP's libtorch crashed or failed in a child JVM (exit " + p.exitValue()
                    + "), so the libtorch tests are skipped instead of crashing this JVM. A common cause is "
                    + "another libtorch on the linker path (Debian's libtorch-dev: `ldconfig -p | grep "
                    + "libtorch_cpu.so`; install python3-torch with --no-install-recommends). Child output:\n"
                    + output.lines().limit(20).reduce("", (a, b) -> a + b + "\n");
        } catch (IOException e) {
            return "cannot start a child JVM to check libtorch: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while checking libtorch in a child JVM";
        }
    }

    /** The child: loads libtorch and runs one op; exits 0 when that works. */
    static final class Child {
        public static void main(String[] args) {
            torch.set_num_threads(1);
            float n = torch.empty(3, 5).fill_(new org.bytedeco.pytorch.Scalar(1.0f)).sum().item_float();
            System.exit(n == 15f ? 0 : 3);
        }
    }
}
