package org.compofa.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;

/**
 * Turns a {@link Dataset} into NHWC float batches at a requested resolution, as a pure function of
 * {@code (seed, epoch, batch index, resolution)}: a resumed run rebuilds exactly the batches it would
 * have seen.
 *
 * <p>Per image the pipeline is: the image in [0, 1]; when training, a crop of its own size out of
 * the zero-padded image or a random-resized crop, and a horizontal flip with probability 1/2
 * ({@link Augmentation}); a bilinear resize to {@code resolution x resolution}
 * ({@link ImageTransforms#resizeBilinearInto}); the colour jitter when asked; the per-channel
 * {@link Normalization}. The epoch's order is a Fisher-Yates permutation keyed by
 * {@code (seed, epoch)}; an image's crop offsets and flip are keyed by {@code (seed, epoch, data set
 * index)}, so they do not depend on the batch size or on the batch the image lands in.
 *
 * <p>Without padding the loader asks the data set for images of at least {@code resolution x resolution}
 * ({@link Dataset#image(int, int, int)}), so a JPEG can be decoded at a reduced scale; batches are then
 * a pure function of the key above and the data set's decoder. With padding the image is read at its
 * stored size (the padding is counted in stored pixels).
 *
 * <p>Thread-safe. A batch's images are read, decoded and converted on {@code threads} threads (the
 * caller's and daemon workers that exit when idle); each image is written by one thread from its own
 * keyed generator, so the batch is identical for every thread count and schedule. {@link #epoch}
 * prefetches the next batch on a background thread.
 */
public final class BatchLoader {
    private static final long SHUFFLE_STREAM = 0x5348554646L; // "SHUFF"
    private static final long AUGMENT_STREAM = 0x4155474dL; // "AUGM"
    private static final long PARALLEL_MIN_VALUES = 1L << 14;
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final Dataset dataset;
    private final LoaderConfig config;
    private final int threads;
    private final ThreadPoolExecutor workers; // null with one thread
    private volatile EpochOrder cachedOrder;

    private record EpochOrder(int epoch, int[] order) {
    }

    /**
     * Checks that the configuration fits the data set; nothing is read yet.
     *
     * @param dataset where images come from
     * @param config batch size, seed, shuffle, augmentation, normalisation
     * @throws IllegalArgumentException if the normalisation's channels differ from the data set's or
     *     the data set is empty
     */
    public BatchLoader(Dataset dataset, LoaderConfig config) {
        this(dataset, config, defaultThreads());
    }

    /**
     * As {@link #BatchLoader(Dataset, LoaderConfig)}, with the number of threads that fill a batch.
     *
     * @param dataset the images and labels to batch
     * @param config batch size, order, augmentation and normalisation
     * @param threads 1 (the calling thread only) to 256
     * @throws IllegalArgumentException also if {@code threads} is outside 1..256
     */
    public BatchLoader(Dataset dataset, LoaderConfig config, int threads) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.config = Objects.requireNonNull(config, "config");
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("loader threads " + threads + ": must be 1..256");
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : workerPool(threads - 1);
        if (config.normalization().channels() != dataset.channels()) {
            throw new IllegalArgumentException("normalization for " + config.normalization().channels()
                    + " channel(s) but the data set has " + dataset.channels());
        }
        if (dataset.size() == 0) {
            throw new IllegalArgumentException("the data set is empty");
        }
    }

    /**
     * The default thread count: the processors available to the JVM.
     *
     * @return the JVM's available processors
     */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Threads that fill a batch (the caller's included).
     *
     * @return the thread count, 1 to 256
     */
    public int threads() {
        return threads;
    }

    /**
     * The data set batched.
     *
     * @return the data set
     */
    public Dataset dataset() {
        return dataset;
    }

    /**
     * The configuration.
     *
     * @return the loader configuration
     */
    public LoaderConfig config() {
        return config;
    }

    /**
     * Batches per epoch (the last may be smaller unless {@link LoaderConfig#dropLast()}).
     *
     * @return batches in one epoch
     */
    public int batchesPerEpoch() {
        int n = dataset.size();
        int b = config.batchSize();
        return config.dropLast() ? n / b : (n + b - 1) / b;
    }

    /**
     * The data set indices in the order epoch {@code epoch} visits them (a copy).
     *
     * @param epoch epoch index from 0
     * @return the indices in visiting order
     */
    public int[] epochOrder(int epoch) {
        return order(epoch).clone();
    }

    /**
     * Batch {@code batchIndex} of epoch {@code epoch}, every image resized to {@code resolution}.
     *
     * @param epoch epoch index from 0
     * @param batchIndex batch index within the epoch from 0
     * @param resolution image side in pixels after resizing
     * @return the batch
     * @throws IndexOutOfBoundsException if {@code batchIndex} is outside {@code 0 .. batchesPerEpoch()-1}
     * @throws DatasetException if an image cannot be read
     */
    public Batch batch(int epoch, int batchIndex, int resolution) {
        Objects.checkIndex(batchIndex, batchesPerEpoch());
        checkResolution(resolution);
        int start = batchIndex * config.batchSize();
        return fill(epoch, batchIndex, resolution, start, Math.min(config.batchSize(), dataset.size() - start));
    }

    /**
     * Rank {@code rank}'s shard of batch {@code batchIndex} for a data-parallel job of {@code ranks}
     * processes: the contiguous slice {@code rank * s .. (rank + 1) * s - 1} of the images of
     * {@link #batch(int, int, int)} (same order, augmentation and resolution), where {@code s} is that
     * batch's size divided by {@code ranks}. Only the shard's images are read. Together the ranks' shards
     * are the unsharded batch, so every image is seen once per epoch across the ranks.
     *
     * @param epoch epoch index from 0
     * @param batchIndex batch index within the epoch from 0
     * @param resolution image side in pixels after resizing
     * @param rank this process's rank, 0 .. ranks-1
     * @param ranks the number of processes, at least 1
     * @return the shard, its {@link Batch#index()} the global batch index
     * @throws IllegalArgumentException if the batch's size is not a multiple of {@code ranks} or
     *     rank/ranks are out of range
     * @throws IndexOutOfBoundsException if {@code batchIndex} is outside {@code 0 .. batchesPerEpoch()-1}
     */
    public Batch batch(int epoch, int batchIndex, int resolution, int rank, int ranks) {
        Objects.checkIndex(batchIndex, batchesPerEpoch());
        checkResolution(resolution);
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank " + rank + " of " + ranks + ": allowed ranks >= 1 and rank 0.."
                    + (ranks - 1));
        }
        int start = batchIndex * config.batchSize();
        int size = Math.min(config.batchSize(), dataset.size() - start);
        if (size % ranks != 0) {
            throw new IllegalArgumentException("batch " + batchIndex + " of epoch " + epoch + " has " + size
                    + " images, not a multiple of " + ranks + " ranks: use a batch size divisible by the number of"
                    + " ranks, and a data set whose last batch is too (or drop the last batch)");
        }
        int shard = size / ranks;
        return fill(epoch, batchIndex, resolution, start + rank * shard, shard);
    }

    private static void checkResolution(int resolution) {
        if (resolution < 1) {
            throw new IllegalArgumentException("resolution " + resolution + ": must be at least 1");
        }
    }

    /** The batch of the epoch-order positions {@code start .. start + size - 1}. */
    private Batch fill(int epoch, int batchIndex, int resolution, int start, int size) {
        int[] order = order(epoch);
        int channels = dataset.channels();
        int imageLength = resolution * resolution * channels;
        float[] images = new float[Math.multiplyExact(size, imageLength)];
        int[] labels = new int[size];
        int[] indices = new int[size];
        SlotFiller fill = slot -> {
            int index = order[start + slot];
            indices[slot] = index;
            labels[slot] = dataset.label(index);
            SplittableRandom random = config.augmentation().isIdentity() ? null
                    : SeededOrder.random(config.seed(), AUGMENT_STREAM, epoch, index);
            Image image = augment(read(index, resolution), random);
            ImageTransforms.resizeBilinearInto(image, resolution, resolution, images, slot * imageLength);
            if (config.augmentation().colorJitter()) {
                jitter(images, slot * imageLength, imageLength, channels, random);
            }
            config.normalization().applyInPlace(images, slot * imageLength, imageLength);
        };
        if (workers == null || size < 2 || (long) images.length < PARALLEL_MIN_VALUES) {
            for (int slot = 0; slot < size; slot++) {
                fill.apply(slot);
            }
        } else {
            fillInParallel(size, fill);
        }
        return new Batch(epoch, batchIndex, size, resolution, channels, images, labels, indices);
    }

    /**
     * Iterates over every batch of {@code epoch}, computing batch {@code i+1} on a background thread
     * while the caller uses batch {@code i}; the batches equal those of {@link #batch}.
     *
     * @param epoch epoch index from 0
     * @param resolutionOfBatch resolution of each batch index; called on the caller's thread, in
     *     index order, one batch ahead of the one returned
     * @return an iterator over the epoch's batches, to close after use
     */
    public PrefetchingIterator epoch(int epoch, IntUnaryOperator resolutionOfBatch) {
        return new PrefetchingIterator(this, epoch, resolutionOfBatch);
    }

    /**
     * {@link #epoch(int, IntUnaryOperator)} at one resolution for every batch.
     *
     * @param epoch epoch index from 0
     * @param resolution image side in pixels of every batch
     * @return an iterator over the epoch's batches, to close after use
     */
    public PrefetchingIterator epoch(int epoch, int resolution) {
        return epoch(epoch, batch -> resolution);
    }

    private interface SlotFiller {
        void apply(int slot);
    }

    /**
     * Fills slots {@code 0..size-1} on the caller and up to {@code threads - 1} workers, each taking the
     * next free slot; the first failure is rethrown with its type once every thread has stopped.
     */
    private void fillInParallel(int size, SlotFiller fill) {
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int slot = next.getAndIncrement(); slot < size; slot = next.getAndIncrement()) {
                try {
                    fill.apply(slot);
                } catch (RuntimeException | Error e) {
                    next.set(size); // the others stop after their current image
                    throw e;
                }
            }
        };
        List<Future<?>> helpers = new ArrayList<>();
        for (int t = 0; t < Math.min(threads, size) - 1; t++) {
            helpers.add(workers.submit(drain));
        }
        Throwable failure = null;
        try {
            drain.run();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (Future<?> helper : helpers) {
            try {
                helper.get();
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                next.set(size);
                helpers.forEach(h -> h.cancel(true));
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while filling a batch", e);
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }

    private static ThreadPoolExecutor workerPool(int size) {
        int id = POOL_IDS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread t = new Thread(task, "compofa-loader-" + id + "-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // idle workers exit, so a dropped loader leaves no threads
        return pool;
    }

    /**
     * The image, reduced by the decoder only as far as the augmentation allows: to {@code resolution}
     * without a crop; with a random-resized crop to {@link #randomCropDecodeSide}; at its stored size
     * with padding (counted in stored pixels).
     */
    private Image read(int index, int resolution) {
        Augmentation a = config.augmentation();
        if (a.randomResizedCrop()) {
            int side = randomCropDecodeSide(resolution, a.minCropScale());
            return dataset.image(index, side, side);
        }
        return a.padding() == 0 ? dataset.image(index, resolution, resolution) : dataset.image(index);
    }

    /**
     * The decoder hint under a random-resized crop: a crop of area fraction {@code s >= minScale} and
     * aspect ratio in [3/4, 4/3] of an image whose short side is {@code m} has both sides at least
     * {@code m * sqrt(3 s / 4)}, so {@code m = ceil(r / sqrt(3 minScale / 4))} keeps every crop's source
     * region at least {@code r} (no upsampling that the full-size decode would not also have). With
     * the reference's 0.08 that is ~4.1 r (915 px at 224), so ImageNet-sized JPEGs are rarely reduced.
     */
    static int randomCropDecodeSide(int resolution, double minScale) {
        return (int) Math.ceil(resolution / Math.sqrt(0.75 * minScale));
    }

    /**
     * torchvision's {@code RandomResizedCrop.get_params}: up to 10 tries of a uniform area fraction in
     * [minScale, 1] and a log-uniform aspect ratio in [3/4, 4/3], the first that fits placed uniformly;
     * else the whole image clamped to that ratio range, centred.
     */
    static Image randomResizedCrop(Image image, double minScale, SplittableRandom random) {
        int h = image.height();
        int w = image.width();
        double area = (double) h * w;
        double logLow = Math.log(3.0 / 4.0);
        double logHigh = Math.log(4.0 / 3.0);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + (1 - minScale) * random.nextDouble());
            double ratio = Math.exp(logLow + (logHigh - logLow) * random.nextDouble());
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int top = random.nextInt(h - ch + 1);
                int left = random.nextInt(w - cw + 1);
                return ImageTransforms.crop(image, top, left, ch, cw);
            }
        }
        double ratio = (double) w / h;
        int cw = w;
        int ch = h;
        if (ratio < 3.0 / 4.0) {
            ch = Math.max(1, (int) Math.round(w / (3.0 / 4.0)));
        } else if (ratio > 4.0 / 3.0) {
            cw = Math.max(1, (int) Math.round(h * (4.0 / 3.0)));
        }
        return ImageTransforms.crop(image, (h - ch) / 2, (w - cw) / 2, ch, cw);
    }

    /** The colour jitter on one resized image, drawn after the crop and flip from the image's generator. */
    private static void jitter(float[] images, int offset, int length, int channels, SplittableRandom random) {
        float brightness = (float) (1 - Augmentation.JITTER_BRIGHTNESS
                + 2 * Augmentation.JITTER_BRIGHTNESS * random.nextDouble());
        float saturation = (float) (1 - Augmentation.JITTER_SATURATION
                + 2 * Augmentation.JITTER_SATURATION * random.nextDouble());
        boolean brightnessFirst = random.nextBoolean();
        if (brightnessFirst) {
            ImageTransforms.adjustBrightness(images, offset, length, brightness);
        }
        if (channels == 3) {
            ImageTransforms.adjustSaturation(images, offset, length, saturation);
        }
        if (!brightnessFirst) {
            ImageTransforms.adjustBrightness(images, offset, length, brightness);
        }
    }

    private Image augment(Image image, SplittableRandom random) {
        Augmentation augmentation = config.augmentation();
        if (random == null) {
            return image;
        }
        if (augmentation.randomResizedCrop()) {
            image = randomResizedCrop(image, augmentation.minCropScale(), random);
        }
        int pad = augmentation.padding();
        if (pad > 0) {
            int top = random.nextInt(2 * pad + 1);
            int left = random.nextInt(2 * pad + 1);
            image = ImageTransforms.paddedCrop(image, pad, top, left);
        }
        if (augmentation.horizontalFlip() && random.nextBoolean()) {
            image = ImageTransforms.flipHorizontal(image);
        }
        return image;
    }

    private int[] order(int epoch) {
        EpochOrder cached = cachedOrder;
        if (cached != null && cached.epoch() == epoch) {
            return cached.order();
        }
        int n = dataset.size();
        int[] order = config.shuffle()
                ? SeededOrder.permutation(n, SeededOrder.random(config.seed(), SHUFFLE_STREAM, epoch))
                : IntStream.range(0, n).toArray();
        cachedOrder = new EpochOrder(epoch, order);
        return order;
    }
}
