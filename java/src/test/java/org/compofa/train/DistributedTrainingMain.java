package org.compofa.train;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.compofa.data.Augmentation;
import org.compofa.data.BatchLoader;
import org.compofa.data.LoaderConfig;
import org.compofa.data.Normalization;
import org.compofa.nn.Network;
import org.compofa.nn.Parameter;
import org.compofa.nn.Workspace;
import org.compofa.ops.Sgd;
import org.compofa.runtime.Backend;
import org.compofa.runtime.Communicator;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Tensor;
import org.compofa.space.ResolutionSet;
import org.compofa.space.SearchSpace;
import org.compofa.space.SearchSpaces;
import org.compofa.space.Subnet;

/**
 * The program {@link DistributedTrainingTest} runs under {@code mpirun -np 2}, one JVM per rank, on the
 * tiny supernet of {@link SupernetTrainerTest} and {@link SyntheticShapes} (no files).
 * {@code step}: two data-parallel compound steps against the same two steps computed in this process
 * from each rank's shard separately (lr 0 so only gradients come out), averaged and applied with SGD;
 * prints "rank R step maxdiff D scale S". {@code train DIR}: a 2-epoch compound phase from a different
 * initialisation on each rank (so rank 0's broadcast is what makes them equal), then the same phase
 * stopped after step 5 and resumed from rank 0's checkpoint by fresh networks; prints the sha256 of
 * every rank's parameters after each.
 */
public final class DistributedTrainingMain {
    static final int SIDE = 12;
    static final int CLASSES = 4;
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private DistributedTrainingMain() {}

    static BatchLoader loader() {
        return new BatchLoader(new SyntheticShapes(96, SIDE, CLASSES, 5),
                new LoaderConfig(16, 11, true, new Augmentation(2, true), Normalization.of(0.45f, 0.25f), true));
    }

    static TrainingConfig config() {
        return new TrainingConfig("compound", 2, 0, 0.05, 0.0125, SgdConfig.REFERENCE, 0.1, 1.0, 16, 3, 0.1, 3L,
                List.of(SIDE - 2, SIDE));
    }

    static SearchSpace space() {
        return SearchSpaces.compOfa(1.0, new ResolutionSet(SIDE - 2, SIDE, 2));
    }

    /**
     * Runs one mode.
     *
     * @param args {@code step}, or {@code train} and a directory every rank sees
     * @throws Exception on any failure (the job then aborts)
     */
    public static void main(String[] args) throws Exception {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU); Communicator comm = Communicator.world(ctx)) {
            if (args[0].equals("step")) {
                step(ctx, comm);
            } else {
                train(ctx, comm, Path.of(args[1]));
            }
        }
    }

    private static void step(ComputeContext ctx, Communicator comm) {
        TrainingConfig c = config();
        BatchLoader loader = loader();
        int[][] batches = {{0, 1, SIDE - 2}, {1, 4, SIDE}}; // (epoch, index, resolution) of the two steps
        double[] lrs = {0.05, 0.03};
        try (Network teacher = new Network(ctx, SupernetTrainerTest.tinySpec(), 7);
             Network dist = new Network(ctx, SupernetTrainerTest.tinySpec(), 8);
             Network ref = new Network(ctx, SupernetTrainerTest.tinySpec(), 8);
             Workspace ws = new Workspace(ctx)) {
            Map<String, Tensor> distMomentum = TrainingStep.zeroMomentum(dist);
            Map<String, Tensor> refMomentum = TrainingStep.zeroMomentum(ref);
            Map<String, Tensor> scratch = TrainingStep.zeroMomentum(ref);
            ParameterGroups groups = ParameterGroups.split(
                    ref.parameters().parameters().stream().map(Parameter::name).toList(), c.sgd().weightDecay());
            try (TrainingStep distStep = new TrainingStep(dist, teacher, c, distMomentum, ws, comm);
                 TrainingStep refStep = new TrainingStep(ref, teacher, c, scratch, ws)) {
                RunState state = RunState.start(c.seed());
                for (int s = 0; s < batches.length; s++) {
                    int[] b = batches[s];
                    List<Subnet> subnets = SubnetSource.uniform(space()).draw(state, c.subnetsPerStep(), b[2]);
                    distStep.run(state, loader.batch(b[0], b[1], b[2], comm.rank(), comm.size()), subnets, lrs[s]);
                    // Reference: every shard's gradient at the same weights (lr 0 leaves the weights as
                    // they are; the scratch momentum absorbs the update), averaged, one SGD step.
                    List<Parameter> params = ref.parameters().parameters();
                    float[][] sum = new float[params.size()][];
                    for (int shard = 0; shard < comm.size(); shard++) {
                        refStep.run(state, loader.batch(b[0], b[1], b[2], shard, comm.size()), subnets, 0.0);
                        for (int i = 0; i < params.size(); i++) {
                            float[] g = params.get(i).grad().toArray();
                            if (sum[i] == null) {
                                sum[i] = g;
                            } else {
                                for (int j = 0; j < g.length; j++) {
                                    sum[i][j] += g[j];
                                }
                            }
                        }
                    }
                    float inv = 1.0f / comm.size();
                    for (int i = 0; i < params.size(); i++) {
                        Parameter p = params.get(i);
                        for (int j = 0; j < sum[i].length; j++) {
                            sum[i][j] *= inv;
                        }
                        p.grad().copyFrom(sum[i]);
                        Sgd.step(ctx, new Sgd.Params((float) lrs[s], (float) c.sgd().momentum(),
                                (float) groups.decayFor(p.name()), c.sgd().nesterov()), p.value(), p.grad(),
                                refMomentum.get(p.name()));
                    }
                    state = state.advance(loader.batchesPerEpoch());
                }
            } finally {
                distMomentum.values().forEach(Tensor::close);
                refMomentum.values().forEach(Tensor::close);
                scratch.values().forEach(Tensor::close);
            }
            // Per tensor: |dist - ref| relative to the tensor's largest |weight|.
            double worst = 0;
            List<Parameter> dp = dist.parameters().parameters();
            List<Parameter> rp = ref.parameters().parameters();
            for (int i = 0; i < dp.size(); i++) {
                float[] a = dp.get(i).value().toArray();
                float[] r = rp.get(i).value().toArray();
                double scale = 1e-30;
                double diff = 0;
                for (int j = 0; j < a.length; j++) {
                    scale = Math.max(scale, Math.abs(r[j]));
                    diff = Math.max(diff, Math.abs(a[j] - r[j]));
                }
                worst = Math.max(worst, diff / scale);
            }
            double moved = 0; // that the steps did something: largest change of any weight from the init
            try (Network init = new Network(ctx, SupernetTrainerTest.tinySpec(), 8)) {
                List<Parameter> ip = init.parameters().parameters();
                for (int i = 0; i < dp.size(); i++) {
                    float[] a = dp.get(i).value().toArray();
                    float[] z = ip.get(i).value().toArray();
                    for (int j = 0; j < a.length; j++) {
                        moved = Math.max(moved, Math.abs(a[j] - z[j]));
                    }
                }
            }
            System.out.println("rank " + comm.rank() + " step maxdiff " + worst + " moved " + moved);
        }
    }

    private static void train(ComputeContext ctx, Communicator comm, Path dir) throws Exception {
        int r = comm.rank();
        Phase phase = new Phase(config(), SubnetSource.uniform(space()), space().id());
        try (Network teacher = new Network(ctx, SupernetTrainerTest.tinySpec(), 7)) {
            try (Network a = new Network(ctx, SupernetTrainerTest.tinySpec(), 8 + r)) {
                PhaseResult res = new SupernetTrainer(a, teacher, loader(), dir.resolve("a"), QUIET)
                        .withCommunicator(comm).logEvery(2).run(phase);
                System.out.println("rank " + r + " uninterrupted " + sha256(a) + " steps " + res.state().globalStep()
                        + " loss " + res.lastLoss());
            }
            // Rank 0 starts as in the uninterrupted run; rank 1 from yet another initialisation.
            try (Network b = new Network(ctx, SupernetTrainerTest.tinySpec(), r == 0 ? 8 : 20 + r)) {
                PhaseResult res = new SupernetTrainer(b, teacher, loader(), dir.resolve("b"), QUIET)
                        .withCommunicator(comm).logEvery(2).stopAfterStep(5).run(phase);
                System.out.println("rank " + r + " killed at " + res.state().globalStep());
            }
            try (Network b = new Network(ctx, SupernetTrainerTest.tinySpec(), 40 + r)) {
                PhaseResult res = new SupernetTrainer(b, teacher, loader(), dir.resolve("b"), QUIET)
                        .withCommunicator(comm).logEvery(2).run(phase);
                System.out.println("rank " + r + " resumed " + sha256(b) + " steps " + res.state().globalStep());
            }
        }
    }

    /** The sha256 of every learnable parameter's float bits, in parameter order. */
    static String sha256(Network net) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (Parameter p : net.parameters().parameters()) {
            float[] v = p.value().toArray();
            ByteBuffer bytes = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(v);
            md.update(p.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update(bytes.array());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
