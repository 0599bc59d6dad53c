package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.compofa.data.Dataset;
import org.compofa.data.FashionMnist;
import org.compofa.data.LoaderConfig;
import org.compofa.data.SubsetDataset;
import org.compofa.nn.Network;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.train.FashionRecipe;
import org.compofa.train.TrainingPreset;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the training and post-training commands share: the recipe settings from the options (they
 * must match the training run's), the data, and the trained CompOFA supernet loaded from the run
 * directory.
 */
record TrainedRun(FashionRecipe recipe, FashionRecipe.Settings settings, Dataset train, Dataset test)
        implements OpenedRun {

    /** The training and test sets with the options' limits applied. */
    record Data(Dataset train, Dataset test) {
        /** Loads the data first, so a missing file fails before a device is opened. */
        static Data load(SharedOptions.Recipe o) {
            Dataset train = FashionMnist.load(o.data, FashionMnist.Split.TRAIN);
            Dataset test = FashionMnist.load(o.data, FashionMnist.Split.TEST);
            if (o.trainLimit != null) {
                train = SubsetDataset.randomSample(train, Math.min(o.trainLimit, train.size()), 1);
            }
            if (o.testLimit != null) {
                test = new SubsetDataset(test, IntStream.range(0, Math.min(o.testLimit, test.size())).toArray());
            }
            return new Data(train, test);
        }
    }

    /** What a command does with its opened run: returns the exit code. */
    @FunctionalInterface
    interface Body {
        /** Runs on {@code run}, computing on {@code ctx} (closed afterwards), printing to {@code out}. */
        int run(TrainedRun run, ComputeContext ctx, PrintStream out) throws IOException;
    }

    /**
     * Loads the data (so a missing file fails before a device is opened), opens the engine and the run
     * in {@code dir}, and runs {@code body} on them; {@code epochs} only matter to training commands
     * (the others pass the defaults: loading a checkpoint does not depend on them).
     */
    static int with(CommandSpec spec, Path dir, SharedOptions.Recipe o, SharedOptions.Epochs epochs,
                    SharedOptions.Engine engine, Body body) throws IOException {
        PrintStream out = Main.out(spec);
        Data data = Data.load(o);
        try (ComputeContext ctx = engine.open()) {
            return body.run(open(dir, o, epochs, data, ctx, out), ctx, out);
        }
    }

    /** The run in {@code dir}, its recipe computing on {@code ctx}. */
    private static TrainedRun open(Path dir, SharedOptions.Recipe o, SharedOptions.Epochs epochs, Data data,
                                   ComputeContext ctx, PrintStream out) {
        FashionRecipe.Settings s = new FashionRecipe.Settings(dir, o.space.width, o.batch, epochs.teacher,
                epochs.compound, epochs.compoundLrScale, o.space.resolutions, o.seed);
        return new TrainedRun(new FashionRecipe(s, ctx, data.train(), data.test(), out), s, data.train(), data.test());
    }

    @Override
    public Path dir() {
        return settings.out();
    }

    @Override
    public SearchSpace space() {
        return recipe.space();
    }

    @Override
    public ResolutionSet resolutions() {
        return settings.resolutions();
    }

    @Override
    public Network loadSupernet(ComputeContext ctx) throws IOException {
        return loadCompound(ctx);
    }

    /** The training set (recalibration, with the recipe's augmentation) and the test set. */
    @Override
    public EvaluationData data() {
        return new EvaluationData("Fashion-MNIST test (" + test.size() + " images)", r -> train, r -> test,
                recipe.trainLoader(), LoaderConfig.evaluation(500), org.compofa.data.FashionMnist.CLASS_NAMES);
    }

    @Override
    public boolean hasData() {
        return true;
    }

    /** The trained CompOFA supernet (newest checkpoint of the last compound phase); caller closes it. */
    Network loadCompound(ComputeContext ctx) throws IOException {
        String last = TrainingPreset.COMPOFA_PHASE2.config().name();
        Network net = new Network(ctx, recipe.spec(), 0);
        if (FashionRecipe.loadLatest(settings.out().resolve("compound").resolve(last), last, net).isEmpty()) {
            net.close();
            throw new CommandFailedException("no " + last + " checkpoint under " + settings.out().resolve("compound")
                    + "; run `compofa train compound` (or `train recipe`) with this --run first");
        }
        return net;
    }
}
