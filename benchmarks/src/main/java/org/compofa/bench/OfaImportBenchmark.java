package org.compofa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SequencedMap;
import java.util.concurrent.TimeUnit;
import org.compofa.io.ofa.OfaImport;
import org.compofa.io.ofa.OfaSupernet;
import org.compofa.io.torch.TorchCheckpoint;
import org.compofa.io.torch.TorchTensor;
import org.compofa.nn.Network;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #16's import bar: an OFA w1.0 supernet checkpoint (the shared fixture, 29.5 MB, torch's
 * zip format; the w1.2 fp16 legacy one for comparison) read into a CPU {@link Network}, in under 2
 * s. Single-shot times, so each iteration pays the file read as a user's import does (the page
 * cache stays warm after the first). {@code read} is the torch reader alone; {@code importToNetwork}
 * the whole way: read, detect and map, allocate and load the network. Fixtures come from
 * {@code COMPOFA_OFA_FIXTURES} or {@code ../shared/fixtures/ofa} beside the checkout.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(1)
@State(Scope.Thread)
public class OfaImportBenchmark {
    /** Which fixture. */
    @Param({"ofa_mbv3_w1.0_k357_transform_seed7.pth", "compofa_mbv3_w1.2_fixedkernel_c10_fp16_legacy_seed11.pth.tar"})
    public String file;

    private Path path;
    private ComputeContext ctx;

    /** Finds the fixture and opens the CPU context. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        String env = System.getenv("COMPOFA_OFA_FIXTURES");
        Path dir = env != null ? Path.of(env) : Path.of("..", "shared", "fixtures", "ofa");
        if (!Files.isDirectory(dir)) {
            dir = Path.of("..", "..", "shared", "fixtures", "ofa");
        }
        path = dir.resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new IOException("fixture " + path.toAbsolutePath() + " not found: set COMPOFA_OFA_FIXTURES");
        }
        ctx = ComputeContext.open(Backend.CPU);
    }

    /** Closes the context. */
    @TearDown(Level.Trial)
    public void tearDown() {
        ctx.close();
    }

    /** The torch reader alone: file to state dict. */
    @Benchmark
    public SequencedMap<String, TorchTensor> read() throws IOException {
        return TorchCheckpoint.stateDict(path);
    }

    /** File to a CPU network holding the weights. */
    @Benchmark
    public long importToNetwork() throws IOException {
        OfaSupernet s = OfaImport.read(path);
        try (Network net = s.toNetwork(ctx)) {
            return net.parameters().parameterCount();
        }
    }
}
