package org.compofa.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.compofa.bindings.CompofaCommNative;

/**
 * A test's main class run as 2 ranks ({@code mpirun --oversubscribe -np 2}, one JVM each, as root with
 * Open MPI's allow-root variables), with the test's class path and library settings. Skips the calling
 * test where mpirun is absent or the library was built without MPI; fails one that does not end in
 * time (after killing the job).
 *
 * @param exitCode mpirun's exit status
 * @param output   stdout and stderr of every rank
 * @param millis   wall time of the job
 */
public record MpiJob(int exitCode, String output, long millis) {
    /** Runs {@code main} with {@code args} on 2 ranks, writing the output to {@code log}. */
    public static MpiJob run(Class<?> main, Path log, int timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        Path mpirun = mpirun();
        assumeTrue(mpirun != null, "mpirun not on PATH (apt-get install openmpi-bin)");
        assumeTrue(CompofaCommNative.available()[0], "libcompofa built without MPI: " + CompofaCommNative.describe());
        List<String> cmd = new ArrayList<>(List.of(mpirun.toString(), "--oversubscribe", "-np", "2",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path")));
        for (String property : List.of("compofa.library.path", "java.io.tmpdir")) {
            if (System.getProperty(property) != null) {
                cmd.add("-D" + property + "=" + System.getProperty(property));
            }
        }
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        long start = System.nanoTime();
        Process p = pb.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done, "mpirun " + String.join(" ", args) + " did not end within " + timeoutSeconds + " s:\n" + out);
        return new MpiJob(p.exitValue(), out, millis);
    }

    private static Path mpirun() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, "mpirun");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
