/**
 * Training and evaluation data: readers for Fashion-MNIST (IDX files) and ImageNet-style image
 * folders, and a deterministic batch loader producing NHWC float batches at any resolution. Pure
 * Java, except the optional JPEG decoder: libjpeg-turbo through FFM where {@code libturbojpeg.so.0}
 * is installed ({@link org.compofa.data.ImageDecoder}).
 *
 * <p>Data flows: {@link org.compofa.data.FashionMnist#load} (through
 * {@link org.compofa.data.IdxReader}) or {@link org.compofa.data.ImageFolderDataset#open} give a
 * {@link org.compofa.data.Dataset}; a {@link org.compofa.data.BatchLoader} with a
 * {@link org.compofa.data.LoaderConfig} turns it into {@link org.compofa.data.Batch}es:
 * shuffle, augment ({@link org.compofa.data.Augmentation}), resize
 * ({@link org.compofa.data.ImageTransforms}), normalise ({@link org.compofa.data.Normalization}).
 * {@link org.compofa.data.SubsetDataset#randomSample} fixes the images used for batch-norm
 * recalibration.
 *
 * <p>Decisions, each documented on the type named:
 * <ul>
 *   <li>A batch is a pure function of (seed, epoch, batch index, resolution): the order is a
 *       permutation keyed by (seed, epoch), augmentation draws are keyed by (seed, epoch, image
 *       index), so a resumed run sees the same data ({@link org.compofa.data.SeededOrder}); the
 *       prefetching iterator only changes when a batch is built
 *       ({@link org.compofa.data.PrefetchingIterator}), and the number of loader threads changes
 *       nothing either ({@link org.compofa.data.BatchLoader}). Batches do depend on the decoder:
 *       libjpeg-turbo may decode a JPEG at a reduced scale (DCT scaling) when the loader needs only
 *       {@code resolution} pixels a side ({@link org.compofa.data.ImageDecoder#PROPERTY} forces ImageIO).
 *   <li>Pipeline order as torchvision: pad-crop with zeros, flip, bilinear resize with PyTorch's
 *       {@code align_corners=False} semantics, then normalisation
 *       ({@link org.compofa.data.BatchLoader}).
 *   <li>Fashion-MNIST stays as one unsigned-byte array (47 MB for training), converted to floats per
 *       image on demand ({@link org.compofa.data.IdxDataset}).
 *   <li>Missing or malformed files raise the unchecked {@link org.compofa.data.DatasetException}
 *       naming the file and the problem.
 * </ul>
 */
package org.compofa.data;
