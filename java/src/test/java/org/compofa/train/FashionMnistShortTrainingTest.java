package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.compofa.data.BatchLoader;
import org.compofa.data.Dataset;
import org.compofa.data.FashionMnist;
import org.compofa.data.LoaderConfig;
import org.compofa.data.SubsetDataset;
import org.compofa.nn.Network;
import org.compofa.nn.NetworkSpec;
import org.compofa.nn.Workspace;
import org.compofa.ops.KernelTransform;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.MobileNetV3Geometry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short deterministic CPU run on a Fashion-MNIST subset (1000 training images, 3 epochs, a
 * w0.25 small-input network at 28 px): the loss falls and held-out accuracy passes a bar. CI
 * installs the data set ({@code COMPOFA_NEED_DATA=1} in ci/test.sh); elsewhere it is skipped.
 */
class FashionMnistShortTrainingTest {
    @Test
    void teacherOnAFashionMnistSubsetLearns(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIRECTORY),
                "Fashion-MNIST not installed at " + FashionMnist.DEFAULT_DIRECTORY);
        Dataset train = SubsetDataset.randomSample(FashionMnist.load(FashionMnist.Split.TRAIN), 1000, 1);
        Dataset test = new SubsetDataset(FashionMnist.load(FashionMnist.Split.TEST), IntStream.range(0, 1000).toArray());
        MobileNetV3Geometry g = MobileNetV3Geometry.smallInput(0.25, 1, 10);
        TrainingConfig c = new TrainingConfig("teacher", 3, 0, 0.1, 0.1, SgdConfig.REFERENCE, 0.1, 0, 50, 1, 0, 7,
                List.of(28));
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             Network net = new Network(ctx, NetworkSpec.supernet(g, 2, KernelTransform.NONE), 3);
             Workspace ws = new Workspace(ctx)) {
            BatchLoader loader = new BatchLoader(train, LoaderConfig.training(50, 7));
            new SupernetTrainer(net, null, loader, dir, new PrintStream(new ByteArrayOutputStream())).logEvery(10)
                    .run(new Phase(c, SubnetSource.fixed(net.largestSubnet(28)), "teacher"));
            List<String> log = Files.readAllLines(dir.resolve("teacher/log.csv"));
            double first = Double.parseDouble(log.get(1).split(",")[4]);
            double last = Double.parseDouble(log.getLast().split(",")[4]);
            assertTrue(last < 0.75 * first, "training loss falls: " + first + " -> " + last);
            double acc = new Evaluator(ws).top1(net, net.largestSubnet(28), test, LoaderConfig.evaluation(250));
            System.out.println("fashion short run: loss " + first + " -> " + last + ", top-1 " + acc);
            assertTrue(acc >= 55, "test top-1 (chance: 10%) after 3 short epochs: " + acc + "%");
        }
    }
}
