package org.compofa.data;

import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.compofa.data.ImageFolderDataset.ColorMode;

/**
 * {@link ImageDecoder#turboJpeg}: JPEGs decoded by libjpeg-turbo's TurboJPEG 2.x API
 * ({@code tjDecompressHeader3}, {@code tjDecompress2}; Debian 12 ships 2.1.5, which has no TJ3 API)
 * through FFM, optionally at a reduced scale chosen from {@code tjGetScalingFactors}: the IDCT then
 * produces {@code num/8} of each side directly, the cheap downscale ImageNet loaders rely on.
 *
 * <p>The header's size is bounded ({@link #MAX_PIXELS}) before anything is allocated; a fatal error or
 * a "premature end" warning (a truncated file) is a {@link DatasetException}; other warnings are let
 * through as Pillow does. Non-JPEG content and CMYK/YCCK JPEGs go to {@link ImageIoDecoder}. TurboJPEG
 * handles are not thread-safe: each decode takes one from a pool (one per concurrent decoder thread).
 */
final class TurboJpegDecoder implements ImageDecoder {
    private static final System.Logger LOG = System.getLogger(TurboJpegDecoder.class.getName());
    private static final String[] LIBRARY_NAMES = {"libturbojpeg.so.0", "libturbojpeg.so"};
    // turbojpeg.h (2.x) values.
    private static final int TJPF_RGB = 0;
    private static final int TJPF_GRAY = 6;
    private static final int TJCS_GRAY = 2;
    private static final int TJCS_CMYK = 3;
    private static final int TJCS_YCCK = 4;
    private static final int TJERR_WARNING = 0;
    private static final int TJFLAG_ACCURATEDCT = 4096;

    private static Native library;
    private static String unavailable;

    private final Native lib;
    private final boolean dctScaling;

    /** The bound functions and the library's scaling factors (each {@code {num, denom}}, at most 1). */
    private record Native(String source, MethodHandle init, MethodHandle header, MethodHandle decompress,
            MethodHandle errorString, MethodHandle errorCode, MethodHandle destroy, List<int[]> scalings,
            ConcurrentLinkedQueue<MemorySegment> handles) {
    }

    private TurboJpegDecoder(Native lib, boolean dctScaling) {
        this.lib = lib;
        this.dctScaling = dctScaling;
    }

    static synchronized Optional<ImageDecoder> load(boolean dctScaling) {
        if (library == null && unavailable == null) {
            try {
                library = bind();
            } catch (RuntimeException | LinkageError e) {
                unavailable = e.getMessage();
                LOG.log(Level.DEBUG, () -> "libjpeg-turbo not used: " + unavailable);
            }
        }
        return library == null ? Optional.empty() : Optional.of(new TurboJpegDecoder(library, dctScaling));
    }

    /** Why libjpeg-turbo did not load, or empty when it did (or was not tried yet). */
    static synchronized Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailable);
    }

    private static Native bind() {
        List<String> tried = new ArrayList<>();
        for (String name : LIBRARY_NAMES) {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (IllegalArgumentException e) {
                tried.add(name + ": " + e.getMessage());
                continue;
            }
            Linker linker = Linker.nativeLinker();
            ValueLayout a = ValueLayout.ADDRESS;
            ValueLayout i = ValueLayout.JAVA_INT;
            ValueLayout l = ValueLayout.JAVA_LONG; // unsigned long on LP64
            MethodHandle factors = bind(linker, lookup, name, "tjGetScalingFactors", FunctionDescriptor.of(a, a));
            Native lib = new Native(name,
                    bind(linker, lookup, name, "tjInitDecompress", FunctionDescriptor.of(a)),
                    bind(linker, lookup, name, "tjDecompressHeader3", FunctionDescriptor.of(i, a, a, l, a, a, a, a)),
                    bind(linker, lookup, name, "tjDecompress2", FunctionDescriptor.of(i, a, a, l, a, i, i, i, i, i)),
                    bind(linker, lookup, name, "tjGetErrorStr2", FunctionDescriptor.of(a, a)),
                    bind(linker, lookup, name, "tjGetErrorCode", FunctionDescriptor.of(i, a)),
                    bind(linker, lookup, name, "tjDestroy", FunctionDescriptor.of(i, a)),
                    scalingFactors(factors), new ConcurrentLinkedQueue<>());
            return lib;
        }
        throw new IllegalStateException("libturbojpeg not found (" + String.join("; ", tried) + ")");
    }

    private static MethodHandle bind(Linker linker, SymbolLookup lookup, String library, String function,
            FunctionDescriptor descriptor) {
        MemorySegment symbol = lookup.find(function).orElseThrow(() -> new IllegalStateException(
                library + " has no " + function + " (TurboJPEG >= 2.0 needed)"));
        return linker.downcallHandle(symbol, descriptor);
    }

    /** The factors {@code <= 1}, each {@code {num, denom}}. */
    private static List<int[]> scalingFactors(MethodHandle factors) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment array = (MemorySegment) factors.invokeExact(count);
            int n = count.get(ValueLayout.JAVA_INT, 0);
            if (array.equals(MemorySegment.NULL) || n < 1 || n > 64) {
                throw new IllegalStateException("tjGetScalingFactors returned " + n + " factors");
            }
            array = array.reinterpret(8L * n);
            List<int[]> out = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int num = array.get(ValueLayout.JAVA_INT, 8L * k);
                int denom = array.get(ValueLayout.JAVA_INT, 8L * k + 4);
                if (num >= 1 && denom >= 1 && num <= denom) {
                    out.add(new int[] {num, denom});
                }
            }
            return List.copyOf(out);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("tjGetScalingFactors failed: " + t, t);
        }
    }

    @Override
    public String name() {
        return "libjpeg-turbo (" + lib.source() + (dctScaling ? ", DCT scaling)" : ", full size)");
    }

    /** TurboJPEG's {@code TJSCALED}: a side scaled by {@code num/denom}, rounded up. */
    static int scaled(int side, int num, int denom) {
        return (int) (((long) side * num + denom - 1) / denom);
    }

    /**
     * The factor with the fewest pixels whose sides stay {@code >= minHeight, minWidth}; {@code {1, 1}}
     * without scaling, without a hint, or when no smaller factor is large enough.
     */
    int[] scaleFor(int height, int width, int minHeight, int minWidth) {
        int[] best = {1, 1};
        if (!dctScaling || minHeight < 1 || minWidth < 1) {
            return best;
        }
        long bestPixels = (long) height * width;
        for (int[] f : lib.scalings()) {
            int h = scaled(height, f[0], f[1]);
            int w = scaled(width, f[0], f[1]);
            if (h >= minHeight && w >= minWidth && (long) h * w < bestPixels) {
                best = f;
                bestPixels = (long) h * w;
            }
        }
        return best;
    }

    @Override
    public Image decode(Path file, byte[] content, ColorMode mode, int minHeight, int minWidth) {
        if (!isJpeg(content)) {
            return ImageIoDecoder.INSTANCE.decode(file, content, mode, minHeight, minWidth);
        }
        MemorySegment handle = acquire(file);
        boolean healthy = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(content.length);
            MemorySegment.copy(content, 0, src, ValueLayout.JAVA_BYTE, 0, content.length);
            MemorySegment header = arena.allocate(ValueLayout.JAVA_INT, 4);
            int rc = (int) lib.header().invokeExact(handle, src, (long) content.length, header,
                    header.asSlice(4), header.asSlice(8), header.asSlice(12));
            if (rc != 0) {
                throw new DatasetException(file, "cannot decode JPEG header: " + errorString(handle));
            }
            int width = header.get(ValueLayout.JAVA_INT, 0);
            int height = header.get(ValueLayout.JAVA_INT, 4);
            int colorspace = header.get(ValueLayout.JAVA_INT, 12);
            if (width < 1 || height < 1 || (long) width * height > MAX_PIXELS) {
                throw new DatasetException(file, "JPEG header says " + width + "x" + height
                        + "; at least 1x1 and at most " + MAX_PIXELS + " pixels are decoded");
            }
            healthy = true;
            if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) {
                return cmykViaImageIo(file, content, mode, colorspace);
            }
            int[] f = scaleFor(height, width, minHeight, minWidth);
            int w = scaled(width, f[0], f[1]);
            int h = scaled(height, f[0], f[1]);
            int bytesPerPixel = colorspace == TJCS_GRAY ? 1 : 3;
            MemorySegment dst = arena.allocate((long) w * h * bytesPerPixel);
            rc = (int) lib.decompress().invokeExact(handle, src, (long) content.length, dst, w,
                    w * bytesPerPixel, h, bytesPerPixel == 1 ? TJPF_GRAY : TJPF_RGB, TJFLAG_ACCURATEDCT);
            if (rc != 0) {
                String message = errorString(handle);
                healthy = false;
                int code = (int) lib.errorCode().invokeExact(handle);
                if (code != TJERR_WARNING || isTruncation(message)) {
                    throw new DatasetException(file, "cannot decode JPEG: " + message);
                }
                LOG.log(Level.DEBUG, () -> file + ": libjpeg-turbo warning (image kept): " + message);
            }
            return PixelConversion.fromInterleaved(dst.toArray(ValueLayout.JAVA_BYTE), h, w, bytesPerPixel, mode);
        } catch (DatasetException | Error e) {
            throw e;
        } catch (Throwable t) {
            healthy = false;
            throw new DatasetException(file, "cannot decode JPEG: " + t, t);
        } finally {
            release(handle, healthy);
        }
    }

    private static Image cmykViaImageIo(Path file, byte[] content, ColorMode mode, int colorspace) {
        try {
            return ImageIoDecoder.INSTANCE.decode(file, content, mode, 0, 0);
        } catch (DatasetException e) {
            throw new DatasetException(file, (colorspace == TJCS_CMYK ? "a CMYK" : "a YCCK")
                    + " JPEG: the libjpeg-turbo path converts only RGB, YCbCr and gray JPEGs, and ImageIO"
                    + " failed too (" + e.getMessage() + ")", e);
        }
    }

    /** SOI marker then the start of another marker. */
    static boolean isJpeg(byte[] content) {
        return content.length >= 3 && (content[0] & 0xff) == 0xFF && (content[1] & 0xff) == 0xD8
                && (content[2] & 0xff) == 0xFF;
    }

    private static boolean isTruncation(String message) {
        return message.toLowerCase(Locale.ROOT).contains("premature end");
    }

    private MemorySegment acquire(Path file) {
        MemorySegment handle = lib.handles().poll();
        if (handle != null) {
            return handle;
        }
        try {
            handle = (MemorySegment) lib.init().invokeExact();
        } catch (Throwable t) {
            throw new DatasetException(file, "tjInitDecompress failed: " + t, t);
        }
        if (handle.equals(MemorySegment.NULL)) {
            throw new DatasetException(file, "tjInitDecompress returned NULL (out of memory?)");
        }
        return handle;
    }

    /** A handle that saw an error is destroyed rather than reused. */
    private void release(MemorySegment handle, boolean healthy) {
        if (healthy) {
            lib.handles().offer(handle);
            return;
        }
        try {
            int ignored = (int) lib.destroy().invokeExact(handle);
        } catch (Throwable t) {
            LOG.log(Level.DEBUG, () -> "tjDestroy failed: " + t);
        }
    }

    /** The handle's message ({@code errStr[JMSG_LENGTH_MAX]}, 200 bytes, NUL-terminated). */
    private String errorString(MemorySegment handle) {
        try {
            MemorySegment text = (MemorySegment) lib.errorString().invokeExact(handle);
            return text.equals(MemorySegment.NULL) ? "(no message)" : text.reinterpret(200).getString(0);
        } catch (Throwable t) {
            return "(no message: " + t + ")";
        }
    }
}
