package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.compofa.data.Dataset;
import org.compofa.data.FashionMnist;
import org.compofa.data.ImageFolderDataset;
import org.compofa.data.SubsetDataset;
import org.compofa.nn.Network;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.train.FashionRecipe;
import org.compofa.train.RecipeInput;
import org.compofa.train.TrainingPreset;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * What the training and post-training commands share: the recipe settings from the options (they
 * must match the training run's), the data, and the trained CompOFA supernet loaded from the run
 * directory. The data is Fashion-MNIST IDX files or an ImageNet-style folder ({@link ImageFolders});
 * how it is read (preset, colour, normalisation, augmentation: {@link RunInputs}) is stored in the
 * run's descriptor ({@link RunInputFile}) by the first training command, except for a Fashion-MNIST
 * run with the defaults, which reads as it always has.
 */
record TrainedRun(FashionRecipe recipe, FashionRecipe.Settings settings, Dataset train, Dataset test,
                  String description) implements OpenedRun {

    /**
     * The training and test sets with the options' limits applied.
     *
     * @param folder     whether they come from an image folder (else IDX files)
     * @param classNames one name per class
     */
    record Data(Dataset train, Dataset test, boolean folder, List<String> classNames) {
        /** Loads the data first, so a missing file fails before a device is opened. */
        static Data load(SharedOptions.Recipe o) {
            return load(o, null);
        }

        /** As {@link #load(SharedOptions.Recipe)}; a folder is read in {@code stored}'s colour unless {@code --color} says. */
        static Data load(SharedOptions.Recipe o, RecipeInput stored) {
            Dataset train;
            Dataset test;
            List<String> names;
            boolean folder = ImageFolders.isImageFolder(o.data);
            if (folder) {
                ImageFolderDataset.ColorMode color = o.color != null ? o.color
                        : stored != null ? stored.preprocessing().color() : ImageFolderDataset.ColorMode.RGB;
                ImageFolders.Split s = ImageFolders.openForTraining(o.data, color);
                train = s.train();
                test = s.val();
                names = s.train().classNames();
            } else {
                if (o.color == ImageFolderDataset.ColorMode.RGB) {
                    throw new CommandFailedException("--color rgb: " + o.data + " holds IDX files, which are grayscale");
                }
                train = FashionMnist.load(o.data, FashionMnist.Split.TRAIN);
                test = FashionMnist.load(o.data, FashionMnist.Split.TEST);
                names = FashionMnist.CLASS_NAMES;
            }
            if (o.trainLimit != null) {
                train = SubsetDataset.randomSample(train, Math.min(o.trainLimit, train.size()), 1);
            }
            if (o.testLimit != null) {
                int n = Math.min(o.testLimit, test.size());
                // a folder is sorted by class: its first N would be a few classes
                test = folder ? SubsetDataset.randomSample(test, n, 1)
                        : new SubsetDataset(test, IntStream.range(0, n).toArray());
            }
            return new Data(train, test, folder, names);
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
     * (the others pass the defaults: loading a checkpoint does not depend on them). Does not write a
     * run descriptor; {@link #forTraining} does.
     */
    static int with(CommandSpec spec, Path dir, SharedOptions.Recipe o, SharedOptions.Epochs epochs,
                    SharedOptions.Engine engine, Body body) throws IOException {
        return with(spec, dir, o, epochs, engine, false, body);
    }

    /** As {@link #with}, writing the run descriptor when the run has none and needs one (training commands). */
    static int forTraining(CommandSpec spec, Path dir, SharedOptions.Recipe o, SharedOptions.Epochs epochs,
                           SharedOptions.Engine engine, Body body) throws IOException {
        return with(spec, dir, o, epochs, engine, true, body);
    }

    private static int with(CommandSpec spec, Path dir, SharedOptions.Recipe o, SharedOptions.Epochs epochs,
                            SharedOptions.Engine engine, boolean persist, Body body) throws IOException {
        PrintStream out = Main.out(spec);
        RecipeInput stored = RunInputFile.read(dir);
        Data data = Data.load(o, stored);
        ParseResult parsed = spec.commandLine().getParseResult();
        RunInputs.Schedule schedule = RunInputs.schedule(parsed, o, epochs, stored);
        RecipeInput input = RunInputs.resolve(o, data, schedule, stored, out);
        if (persist && stored == null && !input.equals(RecipeInput.FASHION)) {
            RunInputFile.write(dir, input);
        }
        FashionRecipe.Settings s = new FashionRecipe.Settings(dir, schedule.width(), schedule.batch(),
                schedule.teacherEpochs(), schedule.compoundEpochs(), schedule.compoundLrScale(),
                schedule.resolutions(), o.seed, input);
        String description = data.folder()
                ? o.data + " val/ (" + data.test().size() + " images)"
                : "Fashion-MNIST test (" + data.test().size() + " images)";
        try (ComputeContext ctx = engine.open()) {
            TrainedRun run = new TrainedRun(new FashionRecipe(s, ctx, data.train(), data.test(), out), s,
                    data.train(), data.test(), description);
            return body.run(run, ctx, out);
        }
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

    /** The training set (recalibration, with the recipe's augmentation) and the test set at each resolution. */
    @Override
    public EvaluationData data() {
        return new EvaluationData(description, r -> train, recipe::testAt, recipe.trainLoader(), recipe.evalLoader(),
                settings.input().preprocessing().classNames());
    }

    @Override
    public boolean hasData() {
        return true;
    }

    /** The run's own preprocessing at {@code resolution} (Fashion-MNIST's for a Fashion run). */
    @Override
    public org.compofa.data.Preprocessing preprocessing(int resolution) {
        return settings.input().at(resolution);
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
