package org.compofa.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.compofa.space.Subnet;
import org.compofa.train.StepThroughput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compofa step-bench} on the CPU: a measured row per case in the table and the CSV; bad input refused. */
class StepBenchCommandTest {
    @Test
    void measuresEveryCaseAndWritesTheCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("out/step.csv");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int rc = Main.execute(new PrintStream(text, true, StandardCharsets.UTF_8), System.err, new String[] {
            "step-bench", "--backend", "cpu", "--net", "fashion", "--resolutions", "24,28", "--batches", "3", "--warmup", "0",
            "--steps", "2", "--csv", csv.toString()});
        assertEquals(0, rc, text.toString(StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(csv);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("backend,device,precision,net,resolution,batch,steps,ms_per_step"));
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).replaceAll("\"[^\"]*\"", "dev").split(",");
            assertEquals("CPU", f[0]);
            assertEquals("fp32", f[2]);
            assertEquals(i == 1 ? "24" : "28", f[4]);
            double ms = Double.parseDouble(f[7]);
            double min = Double.parseDouble(f[8]);
            double max = Double.parseDouble(f[9]);
            assertTrue(ms > 0 && min <= ms && ms <= max, lines.get(i));
            assertEquals(3 / (ms / 1e3), Double.parseDouble(f[10]), 0.01 * Double.parseDouble(f[10]), "images/s");
            // The CSV names the subnets every step trained, the same seeded draws as the JMH benchmark.
            List<String> ids = StepThroughput.subnets(StepThroughput.Net.FASHION, Integer.parseInt(f[4])).stream()
                    .map(Subnet::id).toList();
            assertTrue(Double.parseDouble(f[11]) > 0, "activation MiB");
            assertTrue(Double.parseDouble(f[12]) > 0, "state MiB");
            assertEquals(String.join(" ", ids), f[13]);
        }
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("images/s"));
    }

    @Test
    void refusesBadInputNamingTheOption() {
        for (String[] bad : new String[][] {
            {"--net", "resnet"}, {"--resolutions", "8"}, {"--batches", "x"}, {"--steps", "0"}, {"--batches"},
            {"--batches", "5000"}, {"--precision", "fp64"}, {"--gemm", "mkl"}, {"--backend", "tpu"}}) {
            List<String> args = new java.util.ArrayList<>(List.of("step-bench"));
            args.addAll(List.of(bad));
            CliUsageTest.Result r = CliUsageTest.run(args.toArray(String[]::new));
            assertEquals(2, r.status(), String.join(" ", bad));
            assertTrue(r.err().contains(bad[0]), r.err());
            assertEquals("", r.out(), "nothing measured");
        }
    }
}
