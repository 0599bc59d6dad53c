package org.compofa.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Python script with the distribution's {@code /usr/bin/python3}, for tests that let PyTorch
 * itself check our files. Where Python or torch is missing (CI installs neither), {@link
 * #assumeTorch} makes the calling test SKIPPED with the reason.
 */
public final class PythonTorch {
    /** The interpreter: the distribution's, which {@code python3-torch} installs torch for. */
    public static final String PYTHON = "/usr/bin/python3";

    private PythonTorch() {
    }

    /** What a script printed (stdout and stderr together) and its exit status. */
    public record Result(int exit, String output) {
    }

    /** Skips the calling test unless {@code python3 -c 'import torch'} works. */
    public static void assumeTorch() {
        String why;
        try {
            Result r = run("import torch", List.of());
            why = r.exit() == 0 ? null : "python3 cannot import torch: " + r.output().strip();
        } catch (IOException e) {
            why = PYTHON + " not runnable: " + e.getMessage();
        }
        Assumptions.assumeTrue(why == null, why);
    }

    /** Runs {@code script} with {@code args} as sys.argv[1:], at most 300 s. */
    public static Result run(String script, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", script));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("python timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
