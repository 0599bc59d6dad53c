package org.compofa.train;

import java.util.List;
import java.util.Objects;
import org.compofa.nn.Parameter;
import org.compofa.runtime.Backend;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;

/**
 * Averages every parameter's gradient across the ranks of a {@link Communicator} in a few large flat
 * buckets, not one collective per parameter: the gradients, in parameter order, are packed into
 * float buckets of up to {@link #DEFAULT_BUCKET_FLOATS} (a parameter may straddle two buckets), each
 * bucket is all-reduced with {@link Communicator.Op#AVG} and unpacked back into the gradients.
 * {@code extras} (e.g. the step's loss and top-1) ride in the last bucket at no extra call.
 *
 * <p>Host contexts all-reduce the host bucket directly (MPI). A CUDA context currently goes through
 * the host too: the bucket is packed on the host, copied into one device bucket tensor, all-reduced
 * there (NCCL) and copied back; simple and correct, but it moves every gradient over PCIe twice.
 * Packing on the device (and overlapping buckets with the backward) is future work.
 *
 * <p>The average is the same bits on every rank (the communicator's AVG is sum times 1/size), so
 * identical weights and identical averaged gradients give identical SGD updates on every rank.
 */
public final class GradientAverager implements AutoCloseable {
    /** Floats per bucket: 4 Mi (16 MiB), large enough that latency is paid a few times per step. */
    public static final int DEFAULT_BUCKET_FLOATS = 4 << 20;

    private final Communicator comm;
    private final List<Parameter> parameters;
    private final int bucketFloats;
    private final long total;
    private final float[] bucket;
    private float[] lastBucket = new float[0]; // the last bucket with its extras, kept between steps
    private Tensor deviceBucket; // CUDA only: the NCCL buffer of one bucket
    private long nanos; // spent in average(), for the communication share the trainer reports

    /**
     * An averager of {@code parameters}' gradients over {@code comm}.
     *
     * @param comm         the ranks to average over (of the parameters' context)
     * @param parameters   the parameters, in the same order on every rank
     * @param bucketFloats floats per bucket, at least 1
     * @throws IllegalArgumentException for a bucket size below 1
     */
    public GradientAverager(Communicator comm, List<Parameter> parameters, int bucketFloats) {
        this.comm = Objects.requireNonNull(comm, "comm");
        this.parameters = List.copyOf(parameters);
        if (bucketFloats < 1) {
            throw new IllegalArgumentException("bucket of " + bucketFloats + " floats: allowed at least 1");
        }
        this.total = this.parameters.stream().mapToLong(p -> p.grad().length()).sum();
        this.bucketFloats = (int) Math.min(bucketFloats, Math.max(1, total));
        this.bucket = new float[this.bucketFloats];
    }

    /**
     * Replaces every gradient by its average over the ranks, and each of {@code extras} likewise.
     *
     * @param extras host values averaged with the last bucket, replaced by the averages (not null; may be empty)
     */
    public void average(float[] extras) {
        long t0 = System.nanoTime();
        averageBuckets(extras);
        nanos += System.nanoTime() - t0;
    }

    /**
     * Wall-clock seconds spent in {@link #average} so far (packing, all-reduce, unpacking).
     *
     * @return seconds
     */
    public double seconds() {
        return nanos / 1e9;
    }

    private void averageBuckets(float[] extras) {
        for (long from = 0; from < total || from == 0; from += bucketFloats) {
            long to = Math.min(total, from + bucketFloats);
            boolean last = to == total;
            int used = (int) (to - from);
            int extraCount = last ? extras.length : 0;
            float[] data = used == bucketFloats && extraCount == 0 ? bucket : lastBucket(used + extraCount);
            copyRange(from, to, data, true);
            if (extraCount > 0) {
                System.arraycopy(extras, 0, data, used, extraCount);
            }
            if (data.length > 0) {
                allReduce(data);
            }
            copyRange(from, to, data, false);
            if (extraCount > 0) {
                System.arraycopy(data, used, extras, 0, extraCount);
            }
            if (last) {
                break;
            }
        }
    }

    /** The array of the last (partial or extras-carrying) bucket, allocated again only when its size changes. */
    private float[] lastBucket(int length) {
        if (lastBucket.length != length) {
            lastBucket = new float[length];
        }
        return lastBucket;
    }

    /**
     * Copies the gradients' floats at flat offsets [from, to) (parameters concatenated in order) into
     * {@code data} (pack) or back from it.
     */
    private void copyRange(long from, long to, float[] data, boolean pack) {
        long offset = 0;
        for (Parameter p : parameters) {
            long length = p.grad().length();
            long a = Math.max(from, offset);
            long b = Math.min(to, offset + length);
            if (a < b) {
                if (pack) {
                    p.grad().buffer().copyTo(a - offset, data, (int) (a - from), (int) (b - a));
                } else {
                    p.grad().buffer().copyFrom(data, (int) (a - from), a - offset, (int) (b - a));
                }
            }
            offset += length;
            if (offset >= to) {
                return;
            }
        }
    }

    private void allReduce(float[] data) {
        if (comm.context().backend() != Backend.CUDA) {
            comm.allReduce(data, Communicator.Op.AVG);
            return;
        }
        if (deviceBucket == null || deviceBucket.length() != data.length) {
            closeDeviceBucket();
            deviceBucket = Tensor.zeros(comm.context(), Layout.VECTOR, data.length);
        }
        deviceBucket.copyFrom(data);
        comm.allReduce(deviceBucket, Communicator.Op.AVG);
        deviceBucket.buffer().copyTo(0, data, 0, data.length);
    }

    private void closeDeviceBucket() {
        if (deviceBucket != null) {
            deviceBucket.close();
            deviceBucket = null;
        }
    }

    /** Frees the device bucket, if any. */
    @Override
    public void close() {
        closeDeviceBucket();
    }
}
