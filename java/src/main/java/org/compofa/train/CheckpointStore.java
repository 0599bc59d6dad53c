package org.compofa.train;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.compofa.train.CheckpointException.Reason;

/**
 * A directory of rotating checkpoints {@code <prefix>-<global step, 12 digits>.ckpt}: {@link #save}
 * writes atomically ({@link CheckpointFile}) and then deletes all but the newest {@link #keep()};
 * {@link #latest()} returns the newest one that verifies.
 *
 * <p>A newest file that fails verification (truncated, checksum, malformed...) is skipped and the
 * previous checkpoint tried. Once an older one verifies, each skipped file is logged as a warning
 * and renamed to {@code <name>.corrupt}: kept for inspection, but out of the rotation, so the resumed
 * run, which saves lower steps again, is not shadowed by it. A file that could not be read for an
 * I/O reason is skipped but left in place. When nothing verifies, nothing is moved. One writer per directory is assumed;
 * temporary files a crashed writer left behind are removed when the store is opened.
 */
public final class CheckpointStore {
    /** Extension of checkpoint files. */
    public static final String EXTENSION = ".ckpt";
    /** Suffix appended to a checkpoint that failed verification. */
    public static final String CORRUPT_SUFFIX = ".corrupt";
    private static final System.Logger LOG = System.getLogger(CheckpointStore.class.getName());

    private final Path directory;
    private final String prefix;
    private final int keep;
    private final Pattern names;

    /**
     * Opens (creating if needed) a store.
     *
     * @param directory where the checkpoints live
     * @param prefix file-name prefix ({@code [A-Za-z0-9._-]+}, e.g. the phase name)
     * @param keep how many of the newest checkpoints rotation keeps, at least 1
     * @throws CheckpointException if the directory cannot be created or the prefix or keep is invalid
     */
    public CheckpointStore(Path directory, String prefix, int keep) throws CheckpointException {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("checkpoint prefix '" + prefix + "' must match [A-Za-z0-9._-]+");
        }
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoints to keep " + keep + " must be >= 1");
        }
        this.directory = directory;
        this.prefix = prefix;
        this.keep = keep;
        this.names = Pattern.compile(Pattern.quote(prefix) + "-([0-9]{12,19})" + Pattern.quote(EXTENSION));
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new CheckpointException(directory, Reason.IO, "cannot create the directory: " + e, e);
        }
        removeStaleTemporaries();
    }

    /**
     * The directory of this store.
     *
     * @return the store's directory
     */
    public Path directory() {
        return directory;
    }

    /**
     * How many checkpoints rotation keeps.
     *
     * @return how many newest checkpoints are kept, at least 1
     */
    public int keep() {
        return keep;
    }

    /**
     * The file a checkpoint at {@code globalStep} is saved to.
     *
     * @param globalStep the checkpoint's global step
     * @return the checkpoint's file path
     */
    public Path pathFor(long globalStep) {
        if (globalStep < 0) {
            throw new IllegalArgumentException("global step " + globalStep + " must be >= 0");
        }
        return directory.resolve(String.format("%s-%012d%s", prefix, globalStep, EXTENSION));
    }

    /**
     * Writes {@code checkpoint} atomically under its global step, then rotates; returns the file.
     *
     * @param checkpoint the checkpoint to write
     * @return the written file
     * @throws CheckpointException if the file cannot be written
     */
    public Path save(Checkpoint checkpoint) throws CheckpointException {
        Path file = pathFor(checkpoint.state().globalStep());
        CheckpointFile.write(file, checkpoint);
        List<Path> all = list();
        for (Path old : all.subList(Math.min(keep, all.size()), all.size())) {
            try {
                Files.deleteIfExists(old);
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not delete old checkpoint {0}: {1}", old, e);
            }
        }
        return file;
    }

    /**
     * The checkpoint files of this store, newest (highest step) first.
     *
     * @return the checkpoint files, newest first
     * @throws CheckpointException if the directory cannot be listed
     */
    public List<Path> list() throws CheckpointException {
        record Entry(Path path, long step) {
        }
        List<Entry> found = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory)) {
            for (Path p : dir) {
                Matcher m = names.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    found.add(new Entry(p, Long.parseLong(m.group(1))));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new CheckpointException(directory, Reason.IO, "cannot list checkpoints: " + e, e);
        }
        found.sort(Comparator.comparingLong(Entry::step).reversed());
        return found.stream().map(Entry::path).toList();
    }

    /**
     * The newest checkpoint that verifies, falling back past corrupt ones (see the class comment);
     * empty when the store holds no checkpoint.
     *
     * @return the newest valid checkpoint, or empty when there is none
     * @throws CheckpointException {@link Reason#NO_VALID_CHECKPOINT} when there are checkpoints but none
     *     verifies (the first failure is the cause, the others suppressed)
     */
    public Optional<LoadedCheckpoint> latest() throws CheckpointException {
        List<Path> files = list();
        List<CheckpointException> failures = new ArrayList<>();
        for (Path file : files) {
            try {
                LoadedCheckpoint loaded = CheckpointFile.read(file);
                for (CheckpointException e : failures) {
                    LOG.log(Level.WARNING, "skipped checkpoint {0}{1}; resuming from {2} instead: {3}", e.file(),
                            e.reason() == Reason.IO ? "" : quarantine(e.file()), file.getFileName(), e.getMessage());
                }
                return Optional.of(loaded);
            } catch (CheckpointException e) {
                failures.add(e);
            }
        }
        if (failures.isEmpty()) {
            return Optional.empty();
        }
        CheckpointException first = failures.get(0);
        CheckpointException none = new CheckpointException(directory, Reason.NO_VALID_CHECKPOINT, files.size()
                + " checkpoint(s) found, none verifies (left in place); newest error: " + first.getMessage(), first);
        failures.subList(1, failures.size()).forEach(none::addSuppressed);
        throw none;
    }

    /** Moves a corrupt file out of the rotation; returns a note for the log. */
    private String quarantine(Path file) {
        Path target = file.resolveSibling(file.getFileName() + CORRUPT_SUFFIX);
        try {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            return " (moved to " + target.getFileName() + ")";
        } catch (IOException e) {
            return " (could not move it aside: " + e + ")";
        }
    }

    private void removeStaleTemporaries() throws CheckpointException {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory,
                "." + prefix + "-*" + CheckpointFile.TEMP_SUFFIX)) {
            for (Path p : dir) {
                LOG.log(Level.INFO, "removing temporary file {0} left by an interrupted checkpoint write", p);
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new CheckpointException(directory, Reason.IO, "cannot clean temporary files: " + e, e);
        }
    }
}
