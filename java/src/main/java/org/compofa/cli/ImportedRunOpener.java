package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.compofa.data.Augmentation;
import org.compofa.data.Dataset;
import org.compofa.data.ImageFolderDataset;
import org.compofa.data.LoaderConfig;
import org.compofa.data.Normalization;
import org.compofa.data.ResizeCentreCropDataset;
import org.compofa.data.SubsetDataset;
import org.compofa.io.ofa.OfaSupernet;
import org.compofa.nn.Network;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.train.Evaluator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Opens a run made by {@code compofa import} for the post-training commands. How the Fashion recipe's
 * options meet an imported run (they are never required):
 * <ul>
 *   <li>{@code --width}: must equal the import's width multiplier (a usage error otherwise);</li>
 *   <li>{@code --resolutions}: a subset of the space's resolutions, then the run's resolutions for this
 *       command (default: all of the space's);</li>
 *   <li>{@code --data DIR}: an ImageNet-style folder, {@code DIR/val/<class>/*} (or {@code DIR/<class>/*})
 *       evaluated, {@code DIR/train/<class>/*} (or the same folder) for BN recalibration; OFA's eval
 *       transform per resolution ({@link ResizeCentreCropDataset}, ImageNet mean and std, RGB);</li>
 *   <li>{@code --test-limit N}: a seeded random subset of N evaluation images (a folder is sorted by
 *       class, so its first N would be a few classes);</li>
 *   <li>{@code --batch}, {@code --seed}, {@code --train-limit}: only describe a Fashion training run, so
 *       they are refused (a usage error) rather than silently ignored.</li>
 * </ul>
 */
final class ImportedRunOpener implements OpenedRun {
    /** Evaluation batch on ImageNet-sized images (500 at 224 px would be 300 MB of input alone). */
    static final int EVAL_BATCH = 100;
    private static final List<String> FASHION_ONLY = List.of("--batch", "--seed", "--train-limit", "--color",
            "--mean", "--std", "--preset", "--color-jitter");

    private final Path dir;
    private final ImportedRun run;
    private final SearchSpace space;
    private final ResolutionSet resolutions;
    private final EvaluationData data;

    private ImportedRunOpener(Path dir, ImportedRun run, ResolutionSet resolutions, EvaluationData data) {
        this.dir = dir;
        this.run = run;
        this.space = run.searchSpace();
        this.resolutions = resolutions;
        this.data = data;
    }

    /** Checks the options against the import, loads the image folder if given, opens the engine, runs {@code body}. */
    static int with(CommandSpec spec, Path dir, SharedOptions.Recipe recipe, SharedOptions.Engine engine,
                    DataNeed need, OpenedRun.Body body) throws IOException {
        ImportedRun run = ImportedRun.read(dir);
        ParseResult parsed = spec.commandLine().getParseResult();
        for (String o : FASHION_ONLY) {
            if (parsed.hasMatchedOption(o)) {
                throw new ParameterException(spec.commandLine(), o + ": describes a Fashion-MNIST training run; "
                        + dir + " is an imported checkpoint (" + run.source() + "), leave it out");
            }
        }
        ResolutionSet resolutions = checkSpaceOptions(spec, dir, run, recipe.space);
        EvaluationData data = null;
        boolean dataGiven = parsed.hasMatchedOption("--data");
        if (need == DataNeed.REQUIRED && !dataGiven) {
            throw new ParameterException(spec.commandLine(), "--data: " + dir + " is an imported checkpoint; give an"
                    + " ImageNet-style folder (DIR/val/<class>/*.jpg, or DIR/<class>/*) to evaluate on");
        }
        if (need != DataNeed.NONE && dataGiven) {
            data = imageFolder(recipe.data, recipe.testLimit, run.classes());
        }
        PrintStream out = Main.out(spec);
        try (ComputeContext ctx = engine.open()) {
            return body.run(new ImportedRunOpener(dir, run, resolutions, data), ctx, out);
        }
    }

    /**
     * Checks {@code --width} and {@code --resolutions} (when given) against the import's space and
     * returns the run's resolutions for this command.
     */
    static ResolutionSet checkSpaceOptions(CommandSpec spec, Path dir, ImportedRun run, SharedOptions.Space o) {
        ParseResult parsed = spec.commandLine().getParseResult();
        SearchSpace space = run.searchSpace();
        if (parsed.hasMatchedOption("--width") && o.width != space.widthMultiplier()) {
            throw new ParameterException(spec.commandLine(), "--width: " + o.width + " but " + dir
                    + " holds an imported w" + space.widthMultiplier() + " supernet (space " + space.id()
                    + "); leave --width out");
        }
        if (!parsed.hasMatchedOption("--resolutions")) {
            return space.resolutions();
        }
        for (int r : o.resolutions.values()) {
            if (!space.resolutions().contains(r)) {
                throw new ParameterException(spec.commandLine(), "--resolutions: " + r + " is not one of the "
                        + "imported space's resolutions " + space.resolutions().values() + " (" + space.id() + ")");
            }
        }
        return o.resolutions;
    }

    /** The evaluation and recalibration folders under {@code root}, checked against the network's classes. */
    static EvaluationData imageFolder(Path root, Integer testLimit, int classes) {
        ImageFolders.Split folders = ImageFolders.open(root, ImageFolderDataset.ColorMode.RGB);
        ImageFolderDataset test = folders.val();
        ImageFolderDataset train = folders.train();
        Path val = test.root();
        for (ImageFolderDataset d : folders.hasTrain() ? List.of(test, train) : List.of(test)) {
            if (d.numClasses() != classes) {
                throw new CommandFailedException(d.root() + ": " + d.numClasses() + " class folders but the imported "
                        + "network has " + classes + " classes (one sub-folder per class, in the training order)");
            }
        }
        Dataset evaluated = testLimit == null || testLimit >= test.size() ? test
                : SubsetDataset.randomSample(test, testLimit, 1);
        LoaderConfig recal = new LoaderConfig(Evaluator.RECALIBRATION_BATCH, Evaluator.RECALIBRATION_SEED, false,
                Augmentation.NONE, Normalization.IMAGENET, false);
        LoaderConfig eval = new LoaderConfig(EVAL_BATCH, 0L, false, Augmentation.NONE, Normalization.IMAGENET, false);
        return new EvaluationData(val + " (" + evaluated.size() + " images)",
                r -> new ResizeCentreCropDataset(train, r), r -> new ResizeCentreCropDataset(evaluated, r), recal, eval,
                test.classNames());
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public org.compofa.data.Preprocessing preprocessing(int resolution) {
        return org.compofa.data.Preprocessing.imagenet(resolution, data != null ? data.classNames() : List.of());
    }

    @Override
    public org.compofa.io.ofa.KernelMatrices kernelMatrices(Network net) {
        return org.compofa.io.ofa.KernelMatrices.valueOf(run.matrices());
    }

    @Override
    public SearchSpace space() {
        return space;
    }

    @Override
    public ResolutionSet resolutions() {
        return resolutions;
    }

    @Override
    public Network loadSupernet(ComputeContext ctx) throws IOException {
        OfaSupernet imported = run.load(dir);
        return imported.toNetwork(ctx);
    }

    @Override
    public EvaluationData data() {
        if (data == null) {
            throw new CommandFailedException(dir + ": an imported run has no data; give --data DIR");
        }
        return data;
    }

    @Override
    public boolean hasData() {
        return data != null;
    }
}
