package org.compofa.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * OFA's evaluation transform against torchvision's rules worked by hand: {@code Resize(ceil(r /
 * 0.875))} keeps the aspect ratio with the long side truncated, {@code CenterCrop(r)} rounds its
 * offsets half to even. Pixels are a ramp (channel 0 = row, channel 1 = column), for which a
 * bilinear resize without antialiasing is exact: output index d reads source coordinate
 * {@code clamp((d + 0.5) * in / out - 0.5, 0, in - 1)}.
 */
class ResizeCentreCropDatasetTest {
    @Test
    void resizesTheShortSideAndCropsTheCentreWithTorchvisionsRounding() {
        // 40 x 26 at r = 16: resize to 19 (ceil 18.29); short side 26 -> 19, long 40 -> int(19 * 40 / 26) = 29.
        // Crop offsets: round((29 - 16) / 2) = round(6.5) = 6 (half to even), round((19 - 16) / 2) = round(1.5) = 2.
        check(40, 26, 16, 29, 19, 6, 2);
        // Landscape 23 x 37 at r = 8: resize to 10 (ceil 9.14); 23 -> 10, 37 -> int(10 * 37 / 23) = 16.
        // Offsets round(1.0) = 1 and round(4.0) = 4.
        check(23, 37, 8, 10, 16, 1, 4);
        // Already the resize size (r = 7: 8 x 8): no resize; offsets round(0.5) = 0 (half to even).
        check(8, 8, 7, 8, 8, 0, 0);
    }

    @Test
    void resizeSizeIsOfasCeil() {
        assertEquals(256, ResizeCentreCropDataset.resizeSize(224));
        assertEquals(183, ResizeCentreCropDataset.resizeSize(160));
        assertEquals(147, ResizeCentreCropDataset.resizeSize(128));
    }

    private static void check(int h, int w, int r, int resizedH, int resizedW, int top, int left) {
        float[] px = new float[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[(y * w + x) * 3] = y / 100f;
                px[(y * w + x) * 3 + 1] = x / 100f;
                px[(y * w + x) * 3 + 2] = 0.5f;
            }
        }
        Image out = ResizeCentreCropDataset.transform(new Image(h, w, 3, px), r);
        assertEquals(r, out.height());
        assertEquals(r, out.width());
        for (int y = 0; y < r; y++) {
            for (int x = 0; x < r; x++) {
                double sy = source(y + top, h, resizedH);
                double sx = source(x + left, w, resizedW);
                assertEquals(sy / 100, out.at(y, x, 0), 1e-5, "row at " + y + "," + x);
                assertEquals(sx / 100, out.at(y, x, 1), 1e-5, "column at " + y + "," + x);
                assertEquals(0.5, out.at(y, x, 2), 1e-6);
            }
        }
    }

    private static double source(int d, int in, int out) {
        return Math.min(in - 1, Math.max(0, (d + 0.5) * in / out - 0.5));
    }
}
