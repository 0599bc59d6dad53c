package org.compofa.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * An ImageNet-style folder: one sub-folder per class ({@code root/<class>/<image>}), classes
 * numbered in sorted name order, images sorted by path within a class (torchvision's
 * {@code ImageFolder} order). JPEG and PNG files count ({@code .jpg .jpeg .png}, any case, searched
 * recursively within a class folder); every other entry (another name, a broken link, a link to a
 * folder, a file or folder that cannot be read) is skipped, listed in {@link #skipped()} with its
 * reason, and the counts per reason are logged.
 *
 * <p>Images are decoded lazily on each {@link #image} call (nothing is cached) by an
 * {@link ImageDecoder} (libjpeg-turbo when present, else ImageIO; see {@link ImageDecoder#preferred()}),
 * to RGB (alpha dropped) or to grayscale with Pillow's ITU-R 601-2 luma ({@code convert("L")});
 * grayscale files keep their stored values (replicated for RGB). A file that fails to decode throws a
 * {@link DatasetException} naming it. Thread-safe: the loader decodes on several threads at once.
 */
public final class ImageFolderDataset implements Dataset {
    private static final System.Logger LOG = System.getLogger(ImageFolderDataset.class.getName());

    /** How decoded pixels are turned into channels. */
    public enum ColorMode {
        /** Three channels, red green blue. */
        RGB(3),
        /** One channel: {@code 0.299 R + 0.587 G + 0.114 B}. */
        GRAYSCALE(1);

        private final int channels;

        ColorMode(int channels) {
            this.channels = channels;
        }

        /**
         * Channels produced.
         *
         * @return 1 for grey, 3 for RGB
         */
        public int channels() {
            return channels;
        }
    }

    private final Path root;
    private final ColorMode colorMode;
    private final ImageDecoder decoder;
    private final List<String> classNames;
    private final List<Path> files;
    private final int[] labels;
    private final List<SkippedFile> skipped;

    /**
     * An entry of a class folder that is not used.
     *
     * @param file   the entry
     * @param reason why, in words (one of the {@code SKIP_*} texts, or a read error)
     */
    public record SkippedFile(Path file, String reason) {
        /** Checks that neither is null. */
        public SkippedFile {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Reason: a name other than {@code .jpg .jpeg .png}. */
    public static final String SKIP_NOT_AN_IMAGE_NAME = "not a .jpg/.jpeg/.png name";
    /** Reason: a symbolic link whose target does not exist (or a link loop). */
    public static final String SKIP_BROKEN_LINK = "broken symbolic link";
    /** Reason: a symbolic link to a folder; links are not followed into folders. */
    public static final String SKIP_LINK_TO_FOLDER = "symbolic link to a folder (not followed)";
    /** Reason: a device, pipe or socket. */
    public static final String SKIP_NOT_A_FILE = "not a regular file";
    /** Reason: an image name, but this process may not read it. */
    public static final String SKIP_NOT_READABLE = "not readable";

    private ImageFolderDataset(Path root, ColorMode colorMode, ImageDecoder decoder, List<String> classNames,
            List<Path> files, int[] labels, List<SkippedFile> skipped) {
        this.root = root;
        this.colorMode = colorMode;
        this.decoder = decoder;
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        this.labels = labels;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Scans {@code root} (decoding nothing yet); images will be decoded by {@link ImageDecoder#preferred()}.
     *
     * @param root folder with one subfolder of images per class
     * @param colorMode grey or RGB output
     * @return the data set
     * @throws DatasetException if {@code root} is not a readable directory, has no class folders, or
     *     holds no image
     */
    public static ImageFolderDataset open(Path root, ColorMode colorMode) {
        return open(root, colorMode, ImageDecoder.preferred());
    }

    /**
     * Scans {@code root} (decoding nothing yet); images will be decoded by {@code decoder}.
     *
     * @param root folder with one subfolder of images per class
     * @param colorMode grey or RGB output
     * @param decoder decodes the image files
     * @return the data set
     * @throws DatasetException if {@code root} is not a readable directory, has no class folders, or
     *     holds no image
     */
    public static ImageFolderDataset open(Path root, ColorMode colorMode, ImageDecoder decoder) {
        Objects.requireNonNull(colorMode, "colorMode");
        Objects.requireNonNull(decoder, "decoder");
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root, "not a directory (expected one sub-folder per class)");
        }
        List<String> classNames = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(classNames::add);
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException(root, "cannot list the class folders: " + e, e);
        }
        if (classNames.isEmpty()) {
            throw new DatasetException(root, "no class sub-folders");
        }
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<SkippedFile> skipped = new ArrayList<>();
        for (int label = 0; label < classNames.size(); label++) {
            List<Path> used = new ArrayList<>();
            scan(root.resolve(classNames.get(label)), used, skipped);
            used.sort(null);
            for (Path file : used) {
                files.add(file);
                labels.add(label);
            }
        }
        skipped.sort(java.util.Comparator.comparing(SkippedFile::file));
        if (files.isEmpty()) {
            throw new DatasetException(root, "no .jpg/.jpeg/.png files in " + classNames.size() + " class folders"
                    + (skipped.isEmpty() ? "" : " (" + summary(skipped) + ")"));
        }
        LOG.log(skipped.isEmpty() ? Level.DEBUG : Level.INFO, () -> root + ": " + files.size() + " images in "
                + classNames.size() + " classes; " + (skipped.isEmpty() ? "nothing skipped" : summary(skipped)));
        return new ImageFolderDataset(root, colorMode, decoder, classNames, files,
                labels.stream().mapToInt(Integer::intValue).toArray(), skipped);
    }

    /**
     * Walks one class folder without following links, adding each usable image to {@code used} and
     * every other entry, with its reason, to {@code skipped}: a broken link or an unreadable file must
     * be counted, not silently dropped.
     */
    private static void scan(Path classDir, List<Path> used, List<SkippedFile> skipped) {
        try {
            Files.walkFileTree(classDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String reason = skipReason(file, attrs);
                    if (reason == null) {
                        used.add(file);
                    } else {
                        skipped.add(new SkippedFile(file, reason));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    skipped.add(new SkippedFile(file, "cannot be read (" + e.getClass().getSimpleName() + ")"));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new DatasetException(classDir, "cannot walk the class folder: " + e, e);
        }
    }

    /** Why an entry (attributes of the entry itself, links not followed) is skipped, or null to use it. */
    private static String skipReason(Path file, BasicFileAttributes attrs) {
        if (attrs.isSymbolicLink()) {
            if (!Files.exists(file)) {
                return SKIP_BROKEN_LINK;
            }
            if (Files.isDirectory(file)) {
                return SKIP_LINK_TO_FOLDER;
            }
        }
        if (!Files.isRegularFile(file)) {
            return SKIP_NOT_A_FILE;
        }
        if (!isImageName(file)) {
            return SKIP_NOT_AN_IMAGE_NAME;
        }
        if (!Files.isReadable(file)) {
            return SKIP_NOT_READABLE;
        }
        return null;
    }

    /** "3 skipped: 2 not a .jpg/.jpeg/.png name, 1 broken symbolic link". */
    private static String summary(List<SkippedFile> skipped) {
        Map<String, Long> byReason = new TreeMap<>();
        skipped.forEach(s -> byReason.merge(s.reason(), 1L, Long::sum));
        StringBuilder sb = new StringBuilder().append(skipped.size()).append(" skipped: ");
        byReason.forEach((r, n) -> sb.append(n).append(' ').append(r).append(", "));
        return sb.substring(0, sb.length() - 2);
    }

    /**
     * The folder scanned.
     *
     * @return the scanned folder
     */
    public Path root() {
        return root;
    }

    /**
     * Class names, indexed by label.
     *
     * @return class names, label order
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * The file of image {@code index}.
     *
     * @param index image index
     * @return the image's file
     */
    public Path file(int index) {
        return files.get(index);
    }

    /**
     * How many entries of the class folders were not used (see {@link #skipped()}).
     *
     * @return the count of unused entries
     */
    public int skippedFiles() {
        return skipped.size();
    }

    /**
     * Every entry of the class folders that is not used, sorted by path, each with the reason.
     *
     * @return the unused entries with reasons
     */
    public List<SkippedFile> skipped() {
        return skipped;
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int channels() {
        return colorMode.channels();
    }

    @Override
    public int numClasses() {
        return classNames.size();
    }

    @Override
    public int label(int index) {
        return labels[Objects.checkIndex(index, labels.length)];
    }

    @Override
    public Image image(int index) {
        return image(index, 0, 0);
    }

    /**
     * Image {@code index}, decoded by this data set's {@link #decoder()} at a reduced size when it can
     * (libjpeg-turbo's DCT scaling) while both sides stay at least {@code minHeight x minWidth}.
     *
     * @throws DatasetException naming the file if it is larger than {@link ImageDecoder#MAX_FILE_BYTES},
     *     cannot be read, or does not decode
     */
    @Override
    public Image image(int index, int minHeight, int minWidth) {
        Path file = files.get(Objects.checkIndex(index, files.size()));
        return decoder.decode(file, read(file), colorMode, minHeight, minWidth);
    }

    /**
     * The decoder used by {@link #image}.
     *
     * @return the image decoder
     */
    public ImageDecoder decoder() {
        return decoder;
    }

    /** The file's bytes, its size bounded before they are read. */
    private static byte[] read(Path file) {
        try {
            long size = Files.size(file);
            if (size > ImageDecoder.MAX_FILE_BYTES) {
                throw new DatasetException(file, size + " bytes; image files of at most "
                        + ImageDecoder.MAX_FILE_BYTES + " bytes are read");
            }
            return Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new DatasetException(file, "cannot read image file: " + e, e);
        }
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".png") || name.endsWith(".jpg") || name.endsWith(".jpeg");
    }

    @Override
    public String toString() {
        return root + " (" + files.size() + " images, " + classNames.size() + " classes, " + colorMode + ")";
    }
}
