package org.compofa.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.compofa.data.ImageFolderDataset.ColorMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entries of a class folder that cannot be used (a broken {@code .png} link, a link to a folder,
 * another name, an unreadable file) are counted as skipped with their reason, never silently
 * dropped; everything else is used. The folder is seeded with an odd number of each. Pure Java.
 */
class ImageFolderSkippedFilesTest {
    @TempDir
    Path root;

    @Test
    void brokenLinksAndOtherEntriesAreSkippedWithTheirReason() throws IOException {
        SplittableRandom rnd = new SplittableRandom(13);
        BufferedImage px = new BufferedImage(3, 5, BufferedImage.TYPE_INT_RGB);
        Map<Path, String> expectSkipped = new TreeMap<>();
        List<Path> expectUsed = new ArrayList<>();
        for (String cls : new String[] {"b", "a", "c"}) {
            Path d = Files.createDirectories(root.resolve(cls).resolve("sub"));
            int images = 1 + 2 * rnd.nextInt(3);
            for (int i = 0; i < images; i++) {
                Path f = (i % 2 == 0 ? d : d.getParent()).resolve("img" + i + ".png");
                ImageIO.write(px, "png", f.toFile());
                expectUsed.add(f);
            }
            int broken = 1 + 2 * rnd.nextInt(2);
            for (int i = 0; i < broken; i++) {
                Path link = d.resolve("gone" + i + ".png");
                Files.createSymbolicLink(link, d.resolve("never-written-" + i + ".png"));
                expectSkipped.put(link, ImageFolderDataset.SKIP_BROKEN_LINK);
            }
            Path good = d.resolve("linked.png"); // a link to an image is an image
            Files.createSymbolicLink(good, expectUsed.getLast());
            expectUsed.add(good);
            Path folderLink = d.getParent().resolve("folder.png");
            Files.createSymbolicLink(folderLink, d);
            expectSkipped.put(folderLink, ImageFolderDataset.SKIP_LINK_TO_FOLDER);
            Path notes = d.resolve("notes.txt");
            Files.writeString(notes, "x");
            expectSkipped.put(notes, ImageFolderDataset.SKIP_NOT_AN_IMAGE_NAME);
        }
        ImageFolderDataset data = ImageFolderDataset.open(root, ColorMode.RGB);
        Map<Path, String> skipped = new TreeMap<>();
        data.skipped().forEach(s -> skipped.put(s.file(), s.reason()));
        assertEquals(expectSkipped, skipped);
        assertEquals(expectSkipped.size(), data.skippedFiles());
        List<Path> used = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            used.add(data.file(i));
            Image image = data.image(i); // every used file decodes
            assertEquals(5, image.height());
            assertEquals(3, image.width());
        }
        assertEquals(expectUsed.stream().sorted().toList(), used.stream().sorted().toList());
    }

    @Test
    void unreadableFilesAndFoldersAreSkippedWithTheirReason() throws IOException {
        Path cls = Files.createDirectories(root.resolve("only"));
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", cls.resolve("ok.png").toFile());
        Path locked = cls.resolve("locked.png");
        Files.copy(cls.resolve("ok.png"), locked);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Path closedDir = Files.createDirectory(cls.resolve("closed"));
        Files.copy(cls.resolve("ok.png"), closedDir.resolve("inside.png"));
        Files.setPosixFilePermissions(closedDir, PosixFilePermissions.fromString("---------"));
        try {
            assumeFalse(Files.isReadable(locked), "permissions do not bind this user (root)");
            ImageFolderDataset data = ImageFolderDataset.open(root, ColorMode.RGB);
            assertEquals(1, data.size());
            Map<Path, String> skipped = new TreeMap<>();
            data.skipped().forEach(s -> skipped.put(s.file(), s.reason()));
            assertEquals(ImageFolderDataset.SKIP_NOT_READABLE, skipped.get(locked));
            assertTrue(skipped.get(closedDir).startsWith("cannot be read"), skipped.toString());
            assertEquals(2, data.skippedFiles());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(closedDir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void skippedEntriesAreReportedWhenNothingIsLeft() throws IOException {
        Path cls = Files.createDirectories(root.resolve("x"));
        Files.createSymbolicLink(cls.resolve("gone.png"), cls.resolve("absent.png"));
        String m = org.junit.jupiter.api.Assertions.assertThrows(DatasetException.class,
                () -> ImageFolderDataset.open(root, ColorMode.GRAYSCALE)).getMessage();
        assertTrue(m.contains("no .jpg/.jpeg/.png files in 1 class folders (1 skipped: 1 "
                + ImageFolderDataset.SKIP_BROKEN_LINK + ")"), m);
    }
}
