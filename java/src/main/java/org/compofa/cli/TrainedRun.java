package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import org.compofa.data.Dataset;
import org.compofa.data.FashionMnist;
import org.compofa.data.SubsetDataset;
import org.compofa.nn.Network;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.ResolutionSet;
import org.compofa.train.FashionRecipe;
import org.compofa.train.TrainingPreset;

/**
 * What the post-training commands share: the recipe settings from the options (they must match
 * the training run's), the data, and the trained CompOFA supernet loaded from the run directory.
 */
record TrainedRun(FashionRecipe recipe, FashionRecipe.Settings settings, Dataset train, Dataset test) {

    static TrainedRun open(Options o, ComputeContext ctx, PrintStream out) {
        Path data = Path.of(o.get("data", FashionMnist.DEFAULT_DIRECTORY.toString()));
        Dataset train = FashionMnist.load(data, FashionMnist.Split.TRAIN);
        Dataset test = FashionMnist.load(data, FashionMnist.Split.TEST);
        if (o.has("train-limit")) {
            train = SubsetDataset.randomSample(train, o.integer("train-limit", 0), 1);
        }
        if (o.has("test-limit")) {
            int n = Math.min(o.integer("test-limit", 0), test.size());
            test = new SubsetDataset(test, java.util.stream.IntStream.range(0, n).toArray());
        }
        FashionRecipe.Settings s = new FashionRecipe.Settings(Path.of(o.get("run", o.get("out", "runs/fashion"))),
                o.decimal("width", 0.5), o.integer("batch", 128), o.integer("teacher-epochs", FashionRecipe.DEFAULT_TEACHER_EPOCHS),
                o.integer("compound-epochs", FashionRecipe.DEFAULT_COMPOUND_EPOCHS), o.decimal("compound-lr-scale", FashionRecipe.DEFAULT_COMPOUND_LR_SCALE), resolutions(o), o.integer("seed", 0));
        return new TrainedRun(new FashionRecipe(s, ctx, train, test, out), s, train, test);
    }

    static ResolutionSet resolutions(Options o) {
        return ResolutionSet.parseTag("r" + o.get("resolutions", "24-32:4").replace(':', 's'));
    }

    /** The trained CompOFA supernet (newest checkpoint of the last compound phase); caller closes it. */
    Network loadCompound(ComputeContext ctx) throws IOException {
        String last = TrainingPreset.COMPOFA_PHASE2.config().name();
        Network net = new Network(ctx, recipe.spec(), 0);
        if (FashionRecipe.loadLatest(settings.out().resolve("compound").resolve(last), last, net).isEmpty()) {
            net.close();
            throw new IOException("no " + last + " checkpoint under " + settings.out().resolve("compound")
                    + "; run `compofa train compound` (or `train recipe`) with this --run first");
        }
        return net;
    }
}
