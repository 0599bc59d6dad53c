package org.compofa.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bytes moved and floating-point operations done, counted per call of a throughput benchmark. JMH
 * divides OPERATIONS counters by the iteration's time, so its secondary results {@code bytes} and
 * {@code flops} are bytes/s and flop/s (printed with the unit "ops/s"); jmh_report.py turns them into
 * GB/s and GFLOP/s. Each benchmark states in its Javadoc what it counts.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Traffic {
    /** Bytes counted so far in this iteration. */
    public long bytes;
    /** Floating-point operations counted so far in this iteration. */
    public long flops;

    /** JMH reads the counters at the end of each iteration; they start from zero. */
    @Setup(Level.Iteration)
    public void reset() {
        bytes = 0;
        flops = 0;
    }

    /** Counts one call that moved {@code b} bytes and did {@code f} flops. */
    public void add(long b, long f) {
        bytes += b;
        flops += f;
    }
}
