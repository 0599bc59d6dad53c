package org.compofa.runtime;

import java.util.SplittableRandom;

/**
 * The program {@link CommunicatorMpiTest} runs under {@code mpirun -np N}, one JVM per rank.
 * {@code collectives}: all-reduce SUM/AVG of seeded CPU tensors of odd sizes against the naive sum
 * of every rank's data (each rank regenerates the others' from their seeds), the same bits on every
 * rank, broadcast from every root, the float[] path; prints "rank R ok CHECKS" or "rank R MISMATCH ...".
 * {@code throws}: the last rank throws while the others wait in a barrier; the job must end.
 */
public final class CommunicatorMpiMain {
    private CommunicatorMpiMain() {}

    static float[] rankData(long seed, int rank, int len) {
        SplittableRandom random = new SplittableRandom(seed * 7919 + rank);
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = (float) (random.nextDouble(-1, 1) * Math.scalb(1.0, random.nextInt(7) - 3));
        }
        return v;
    }

    /**
     * Runs one mode.
     *
     * @param args {@code collectives} or {@code throws}
     */
    public static void main(String[] args) {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Communicator comm = Communicator.world(ctx)) {
            System.out.println("rank " + comm.rank() + " size " + comm.size() + " local " + comm.localRank()
                    + " transport " + comm.transport());
            if (args[0].equals("throws")) {
                if (comm.rank() == comm.size() - 1) {
                    throw new IllegalStateException("rank " + comm.rank() + " fails on purpose");
                }
                comm.barrier();  // never completes: the failing rank ends the job
                System.out.println("rank " + comm.rank() + " MISMATCH: returned from a barrier a rank never reached");
                return;
            }
            collectives(ctx, comm);
        }
    }

    private static void collectives(ComputeContext ctx, Communicator comm) {
        int checks = 0;
        StringBuilder bad = new StringBuilder();
        long seed = 5;
        for (int len : new int[] {1, 7, 100_003}) {
            for (Communicator.Op op : Communicator.Op.values()) {
                seed++;
                float[] want = new float[len];
                for (int r = 0; r < comm.size(); r++) {  // rank order; with 2 ranks a + b == b + a exactly
                    float[] d = rankData(seed, r, len);
                    for (int i = 0; i < len; i++) {
                        want[i] += d[i];
                    }
                }
                if (op == Communicator.Op.AVG) {
                    float scale = 1.0f / comm.size();
                    for (int i = 0; i < len; i++) {
                        want[i] *= scale;
                    }
                }
                try (Tensor t = Tensor.of(ctx, Layout.VECTOR, rankData(seed, comm.rank(), len), len)) {
                    comm.allReduce(t, op);
                    float[] got = t.toArray();
                    checks += compare("tensor " + op + " len " + len, got, want, bad);
                    comm.broadcast(t, 0);  // rank 0's result: the same bits everywhere
                    checks += compare("rank 0's bits, len " + len, t.toArray(), got, bad);
                }
                float[] array = rankData(seed, comm.rank(), len);
                comm.allReduce(array, op);
                checks += compare("float[] " + op + " len " + len, array, want, bad);
            }
            for (int root = 0; root < comm.size(); root++) {
                try (Tensor t = Tensor.of(ctx, Layout.VECTOR, rankData(seed + 99, comm.rank(), len), len)) {
                    comm.broadcast(t, root);
                    checks += compare("broadcast from " + root + " len " + len, t.toArray(),
                            rankData(seed + 99, root, len), bad);
                }
            }
        }
        comm.barrier();
        System.out.println("rank " + comm.rank() + (bad.isEmpty() ? " ok " + checks : " MISMATCH" + bad));
    }

    private static int compare(String what, float[] got, float[] want, StringBuilder bad) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                bad.append(' ').append(what).append(" [").append(i).append("] ").append(got[i]).append(" != ")
                        .append(want[i]);
                return 0;
            }
        }
        return 1;
    }
}
