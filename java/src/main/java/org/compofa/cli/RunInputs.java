package org.compofa.cli;

import java.io.PrintStream;
import java.util.Arrays;
import org.compofa.data.Augmentation;
import org.compofa.data.Dataset;
import org.compofa.data.Image;
import org.compofa.data.ImageFolderDataset;
import org.compofa.data.MeasuredNormalization;
import org.compofa.data.Normalization;
import org.compofa.data.Preprocessing;
import org.compofa.data.SubsetDataset;
import org.compofa.space.ResolutionSet;
import org.compofa.train.FashionRecipe;
import org.compofa.train.ImageNetSchedule;
import org.compofa.train.RecipeInput;
import picocli.CommandLine.ParseResult;

/**
 * How a trained run's options become its schedule and its input ({@link RecipeInput}). Decisions:
 * <ul>
 *   <li>a folder whose sampled images are all at most {@link #SMALL_IMAGE_SIDE} px is stretched to the
 *       resolution (as Fashion-MNIST) and trained with the small-image augmentation (pad-2 crop, flip);
 *       larger images use the reference's eval crop and its training augmentation (random-resized crop
 *       (0.08, 1), flip, colour jitter unless {@code --color-jitter no});</li>
 *   <li>the normalisation is {@code --mean/--std}, else measured on {@link MeasuredNormalization#DEFAULT_IMAGES}
 *       seeded training images at the largest training resolution, else (IDX files) Fashion-MNIST's;</li>
 *   <li>a run with a descriptor reads it; options that contradict it are refused.</li>
 * </ul>
 */
final class RunInputs {
    /** Largest side of an image still treated as small (stretched, padded-crop augmentation). */
    static final int SMALL_IMAGE_SIDE = 64;
    private static final int SIZE_PROBE_IMAGES = 16;

    private RunInputs() {
    }

    /** The run's schedule: the preset's defaults, each replaced by the option when given explicitly. */
    record Schedule(String preset, double width, ResolutionSet resolutions, int batch, int teacherEpochs,
                    int compoundEpochs, double compoundLrScale) {
    }

    /** The schedule from the options, the preset ({@code --preset}, else the stored one, else fashion). */
    static Schedule schedule(ParseResult parsed, SharedOptions.Recipe o, SharedOptions.Epochs e, RecipeInput stored) {
        if (stored != null && o.preset != null && !o.preset.equals(stored.preset())) {
            throw new CommandFailedException("--preset " + o.preset + ": the run was trained with --preset "
                    + stored.preset() + " (" + RunInputFile.NAME + ")");
        }
        String preset = o.preset != null ? o.preset : stored != null ? stored.preset() : RecipeInput.FASHION_PRESET;
        if (!preset.equals(RecipeInput.IMAGENET_PRESET)) {
            return new Schedule(preset, o.space.width, o.space.resolutions, o.batch, e.teacher, e.compound,
                    e.compoundLrScale);
        }
        return new Schedule(preset,
                given(parsed, "--width") ? o.space.width : ImageNetSchedule.WIDTH,
                given(parsed, "--resolutions") ? o.space.resolutions : ImageNetSchedule.RESOLUTIONS,
                given(parsed, "--batch") ? o.batch : ImageNetSchedule.BATCH,
                given(parsed, "--teacher-epochs") ? e.teacher : ImageNetSchedule.TEACHER_EPOCHS,
                given(parsed, "--compound-epochs") ? e.compound : ImageNetSchedule.COMPOUND_EPOCHS,
                given(parsed, "--compound-lr-scale") ? e.compoundLrScale : ImageNetSchedule.COMPOUND_LR_SCALE);
    }

    private static boolean given(ParseResult parsed, String option) {
        return parsed != null && parsed.hasMatchedOption(option);
    }

    /** The run's input: the stored one (checked against the options), or built from the options and the data. */
    static RecipeInput resolve(SharedOptions.Recipe o, TrainedRun.Data data, Schedule schedule, RecipeInput stored,
                               PrintStream out) {
        if ((o.mean == null) != (o.std == null)) {
            throw new CommandFailedException("--mean and --std go together: give both or neither");
        }
        Normalization given = o.mean == null ? null : new Normalization(o.mean, o.std);
        int channels = data.train().channels();
        if (given != null && given.channels() != channels) {
            throw new CommandFailedException("--mean/--std give " + given.channels() + " value(s); the data has "
                    + channels + " channel(s)");
        }
        if (stored != null) {
            Preprocessing p = stored.preprocessing();
            if (given != null && !given.equals(p.normalization())) {
                throw new CommandFailedException("--mean/--std: the run normalises with " + p.normalization()
                        + " (" + RunInputFile.NAME + ")");
            }
            if (o.colorJitter != null && o.colorJitter != stored.augmentation().colorJitter()) {
                throw new CommandFailedException("--color-jitter: the run was trained with it "
                        + (stored.augmentation().colorJitter() ? "on" : "off") + " (" + RunInputFile.NAME + ")");
            }
            if (p.color().channels() != channels || p.classNames().size() != data.train().numClasses()) {
                throw new CommandFailedException("--data " + o.data + ": " + channels + " channel(s) and "
                        + data.train().numClasses() + " classes, the run was trained on " + p.color() + " with "
                        + p.classNames().size() + " classes (" + RunInputFile.NAME + ")");
            }
            return stored;
        }
        boolean fashionPreset = schedule.preset().equals(RecipeInput.FASHION_PRESET);
        if (!data.folder()) {
            if (fashionPreset && given == null && o.colorJitter == null) {
                return RecipeInput.FASHION;
            }
            Augmentation a = new Augmentation(FashionRecipe.AUGMENTATION.padding(), true, 0,
                    o.colorJitter != null && o.colorJitter);
            Normalization n = given != null ? given : Normalization.FASHION_MNIST;
            return new RecipeInput(schedule.preset(), new Preprocessing(schedule.resolutions().max(),
                    Preprocessing.Resize.STRETCH, ImageFolderDataset.ColorMode.GRAYSCALE, n, data.classNames()), a);
        }
        boolean small = allSmall(data.train());
        Preprocessing.Resize resize = small ? Preprocessing.Resize.STRETCH : Preprocessing.Resize.SHORT_SIDE_CENTRE_CROP;
        boolean jitter = o.colorJitter != null ? o.colorJitter : !small;
        Augmentation a = small ? new Augmentation(FashionRecipe.AUGMENTATION.padding(), true, 0, jitter)
                : Augmentation.imagenetTraining(jitter);
        Normalization n = given;
        int r = schedule.resolutions().max();
        if (n == null) {
            n = MeasuredNormalization.measure(data.train(), MeasuredNormalization.DEFAULT_IMAGES, r, resize,
                    MeasuredNormalization.DEFAULT_SEED);
            out.println("normalisation measured on " + Math.min(MeasuredNormalization.DEFAULT_IMAGES,
                    data.train().size()) + " training images at " + r + " px: mean " + Arrays.toString(n.mean())
                    + ", std " + Arrays.toString(n.std()));
        }
        ImageFolderDataset.ColorMode color = channels == 3 ? ImageFolderDataset.ColorMode.RGB
                : ImageFolderDataset.ColorMode.GRAYSCALE;
        return new RecipeInput(schedule.preset(), new Preprocessing(r, resize, color, n, data.classNames()), a);
    }

    /** Whether a seeded sample of images all have both sides at most {@link #SMALL_IMAGE_SIDE}. */
    static boolean allSmall(Dataset train) {
        Dataset probe = SubsetDataset.randomSample(train, Math.min(SIZE_PROBE_IMAGES, train.size()), 7);
        for (int i = 0; i < probe.size(); i++) {
            Image image = probe.image(i);
            if (Math.max(image.height(), image.width()) > SMALL_IMAGE_SIDE) {
                return false;
            }
        }
        return true;
    }
}
