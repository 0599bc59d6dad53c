package org.compofa.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.compofa.data.ImageFolderDataset;

/**
 * The ImageNet-style folder layout every command reads ({@code --data DIR}): {@code DIR/train/<class>/*}
 * and {@code DIR/val/<class>/*}; for evaluation alone {@code DIR/<class>/*} also does. One place for
 * the layout rules, shared by trained runs ({@link TrainedRun}) and imported ones ({@link ImportedRunOpener}).
 */
final class ImageFolders {
    private ImageFolders() {
    }

    /** The training and evaluation folders; {@code train} is {@code val} itself when there is no {@code DIR/train}. */
    record Split(ImageFolderDataset train, ImageFolderDataset val) {
        /** Whether a separate training folder exists. */
        boolean hasTrain() {
            return train != val;
        }
    }

    /**
     * Whether {@code root} is an image folder rather than IDX files: it holds a {@code train/} or
     * {@code val/} sub-folder (decided by content, not by an option).
     */
    static boolean isImageFolder(Path root) {
        return Files.isDirectory(root.resolve("train")) || Files.isDirectory(root.resolve("val"));
    }

    /** Opens {@code root/val} (else {@code root}) and {@code root/train} (else the same) in {@code color}. */
    static Split open(Path root, ImageFolderDataset.ColorMode color) {
        Path val = Files.isDirectory(root.resolve("val")) ? root.resolve("val") : root;
        Path trainDir = Files.isDirectory(root.resolve("train")) ? root.resolve("train") : val;
        ImageFolderDataset test = ImageFolderDataset.open(val, color);
        ImageFolderDataset train = trainDir.equals(val) ? test : ImageFolderDataset.open(trainDir, color);
        return new Split(train, test);
    }

    /**
     * Opens {@code root/train} and {@code root/val} for training: both must exist, hold images and
     * name the same classes in the same order.
     *
     * @throws CommandFailedException naming what is missing or different
     */
    static Split openForTraining(Path root, ImageFolderDataset.ColorMode color) {
        for (String part : new String[] {"train", "val"}) {
            if (!Files.isDirectory(root.resolve(part))) {
                throw new CommandFailedException(root + ": no " + part + "/ folder; training reads an ImageNet-style "
                        + "folder DIR/train/<class>/* and DIR/val/<class>/* (or Fashion-MNIST IDX files)");
            }
        }
        Split s = open(root, color);
        for (ImageFolderDataset d : new ImageFolderDataset[] {s.train(), s.val()}) {
            if (d.size() == 0) {
                throw new CommandFailedException(d.root() + ": no .jpg/.jpeg/.png images in its class folders");
            }
        }
        if (!s.train().classNames().equals(s.val().classNames())) {
            throw new CommandFailedException(root + ": train/ has classes " + s.train().classNames() + " but val/ has "
                    + s.val().classNames() + "; both need the same class folders");
        }
        return s;
    }
}
