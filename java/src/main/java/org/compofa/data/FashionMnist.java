package org.compofa.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test grayscale 28x28 images of 10
 * clothing classes, read from IDX files with {@link IdxReader}.
 *
 * <p>The files are {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}, each uncompressed or with
 * {@code .gz}; the uncompressed file wins when both exist. The default directory is where Debian's
 * {@code dataset-fashion-mnist} package installs them.
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");
    /** Side of every image in pixels. */
    public static final int IMAGE_SIDE = 28;
    /** The class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Training-set mean and standard deviation (0.2860, 0.3530), the default normalisation. */
    public static final Normalization NORMALIZATION = Normalization.FASHION_MNIST;

    /** The two published splits. */
    public enum Split {
        /** 60,000 training images. */
        TRAIN("train"),
        /** 10,000 test images (file prefix {@code t10k}). */
        TEST("t10k");

        private final String filePrefix;

        Split(String filePrefix) {
            this.filePrefix = filePrefix;
        }

        /**
         * Name of the image file without {@code .gz}.
         *
         * @return the image file's name
         */
        public String imagesFileName() {
            return filePrefix + "-images-idx3-ubyte";
        }

        /**
         * Name of the label file without {@code .gz}.
         *
         * @return the label file's name
         */
        public String labelsFileName() {
            return filePrefix + "-labels-idx1-ubyte";
        }
    }

    private FashionMnist() {
    }

    /**
     * Loads {@code split} from {@link #DEFAULT_DIRECTORY}.
     *
     * @param split training or test
     * @return the split in memory
     */
    public static IdxDataset load(Split split) {
        return load(DEFAULT_DIRECTORY, split);
    }

    /**
     * Loads {@code split} from {@code directory} into memory.
     *
     * @param directory folder holding the IDX files
     * @param split training or test
     * @return the split in memory
     * @throws DatasetException naming the file when one is missing or malformed, or when the image
     *     and label files disagree on the number of images
     */
    public static IdxDataset load(Path directory, Split split) {
        Path imagesFile = locate(directory, split.imagesFileName());
        Path labelsFile = locate(directory, split.labelsFileName());
        IdxReader.Images images = IdxReader.readImages(imagesFile);
        int[] labels = IdxReader.readLabels(labelsFile, CLASS_NAMES.size());
        if (images.count() != labels.length) {
            throw new DatasetException(labelsFile, labels.length + " labels but " + imagesFile.getFileName()
                    + " holds " + images.count() + " images");
        }
        return new IdxDataset("fashion-mnist " + split.name().toLowerCase(Locale.ROOT), images.rows(),
                images.columns(), CLASS_NAMES.size(), images.pixels(), labels);
    }

    /**
     * The file {@code baseName} or {@code baseName.gz} in {@code directory}, uncompressed first.
     *
     * @param directory folder to look in
     * @param baseName file name without {@code .gz}
     * @return the file found
     * @throws DatasetException if neither exists
     */
    public static Path locate(Path directory, String baseName) {
        Path plain = directory.resolve(baseName);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gzipped = directory.resolve(baseName + ".gz");
        if (Files.isRegularFile(gzipped)) {
            return gzipped;
        }
        String where = Files.isDirectory(directory) ? "" : " (directory " + directory + " does not exist)";
        throw new DatasetException(gzipped, "Fashion-MNIST file not found, nor " + plain.getFileName() + where
                + "; install the Debian package dataset-fashion-mnist or pass the directory holding the files");
    }
}
