package org.compofa.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
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
import javax.imageio.ImageIO;

/**
 * An ImageNet-style folder: one sub-folder per class ({@code root/<class>/<image>}), classes
 * numbered in sorted name order, images sorted by path within a class (torchvision's
 * {@code ImageFolder} order). JPEG and PNG files count ({@code .jpg .jpeg .png}, any case, searched
 * recursively within a class folder); every other entry (another name, a broken link, a link to a
 * folder, a file or folder that cannot be read) is skipped, listed in {@link #skipped()} with its
 * reason, and the counts per reason are logged.
 *
 * <p>Images are decoded lazily with {@link ImageIO} on each {@link #image} call (nothing is cached),
 * to RGB (alpha dropped) or to grayscale with Pillow's ITU-R 601-2 luma ({@code convert("L")});
 * grayscale files keep their stored values (replicated for RGB). A file that fails to decode throws a {@link DatasetException} naming it.
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

        /** Channels produced. */
        public int channels() {
            return channels;
        }
    }

    private final Path root;
    private final ColorMode colorMode;
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

    private ImageFolderDataset(Path root, ColorMode colorMode, List<String> classNames, List<Path> files,
            int[] labels, List<SkippedFile> skipped) {
        this.root = root;
        this.colorMode = colorMode;
        this.classNames = List.copyOf(classNames);
        this.files = List.copyOf(files);
        this.labels = labels;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Scans {@code root} (decoding nothing yet).
     *
     * @throws DatasetException if {@code root} is not a readable directory, has no class folders, or
     *     holds no image
     */
    public static ImageFolderDataset open(Path root, ColorMode colorMode) {
        Objects.requireNonNull(colorMode, "colorMode");
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
        return new ImageFolderDataset(root, colorMode, classNames, files,
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

    /** The folder scanned. */
    public Path root() {
        return root;
    }

    /** Class names, indexed by label. */
    public List<String> classNames() {
        return classNames;
    }

    /** The file of image {@code index}. */
    public Path file(int index) {
        return files.get(index);
    }

    /** How many entries of the class folders were not used (see {@link #skipped()}). */
    public int skippedFiles() {
        return skipped.size();
    }

    /** Every entry of the class folders that is not used, sorted by path, each with the reason. */
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
        Path file = files.get(Objects.checkIndex(index, files.size()));
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(file, "cannot decode image: " + e, e);
        }
        if (decoded == null) {
            throw new DatasetException(file, "cannot decode image: no ImageIO reader recognises its content");
        }
        return toImage(decoded, colorMode);
    }

    /** Converts a decoded image to HWC floats in [0, 1]. */
    static Image toImage(BufferedImage decoded, ColorMode mode) {
        int h = decoded.getHeight();
        int w = decoded.getWidth();
        int channels = mode.channels();
        float[] out = new float[h * w * channels];
        if (decoded.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // Stored values, not getRGB(): Java treats gray as linear and would re-encode it to sRGB.
            Raster raster = decoded.getRaster();
            float max = (1 << decoded.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) {
                        out[(y * w + x) * channels + c] = v;
                    }
                }
            }
            return new Image(h, w, channels, out);
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = decoded.getRGB(x, y); // sRGB, alpha in the top byte is dropped
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                int at = (y * w + x) * channels;
                if (mode == ColorMode.RGB) {
                    out[at] = r / 255f;
                    out[at + 1] = g / 255f;
                    out[at + 2] = b / 255f;
                } else { // Pillow's convert("L"): fixed-point ITU-R 601-2 luma, rounded
                    out[at] = ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) / 255f;
                }
            }
        }
        return new Image(h, w, channels, out);
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
