package org.compofa.io.ofa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.compofa.nn.BnStatistics;
import org.compofa.nn.Network;
import org.compofa.nn.Pass;
import org.compofa.nn.Workspace;
import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.compofa.runtime.Layout;
import org.compofa.runtime.Tensor;
import org.compofa.space.Subnet;
import org.compofa.testing.BackendContexts;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Agreement with the original once-for-all code: each supernet of the shared fixtures is imported
 * and every case of its manifest run by OFA's protocol (set the subnet; unless told not to,
 * recalibrate the active channels' BN statistics on the calibration batch as
 * {@code set_running_statistics} does; eval forward of the two test images). The logits must be
 * within 1e-4 of the case's largest |logit| of those OFA computed, as the manifest states; cases run
 * in the manifest's order on one network, as they were made.
 */
class OfaAgreementTest {
    /** The manifest's tolerance: max |ours - OFA| <= 1e-4 x max |OFA logit| per case. */
    static final double RELATIVE_TOLERANCE = 1e-4;

    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();

    static Stream<Arguments> cases() {
        return Stream.of(Backend.CPU, Backend.CUDA).flatMap(b -> Stream.of(Arguments.of(b, 0), Arguments.of(b, 1)));
    }

    @ParameterizedTest(name = "{0} supernet {1}")
    @MethodSource("cases")
    void importedSupernetReproducesOfaLogits(Backend backend, int which) throws Exception {
        ComputeContext ctx = contexts.get(backend);
        Path dir = OfaFixtures.dir();
        Map<String, Object> supernet = OfaFixtures.objects(OfaFixtures.manifest(dir), "supernets").get(which);
        OfaSupernet imported = OfaImport.read(OfaFixtures.checked(dir, (String) supernet.get("file")));
        assertEquals(((Number) supernet.get("classes")).intValue(), imported.spec().geometry().numClasses());
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (Network net = imported.toNetwork(ctx); Workspace ws = new Workspace(ctx)) {
            int index = 0;
            for (Map<String, Object> c : OfaFixtures.objects(supernet, "cases")) {
                int r = ((Number) c.get("resolution")).intValue();
                Subnet subnet = OfaFixtures.subnet(OfaFixtures.object(c, "subnet"), r);
                if (Boolean.TRUE.equals(c.get("recalibrate"))) {
                    recalibrate(net, ws, subnet, dir.resolve((String) c.get("calibration_input")));
                }
                float[] expected = OfaFixtures.floats(dir.resolve((String) c.get("logits")));
                float[] got = evaluate(net, ws, subnet, dir.resolve((String) c.get("input")));
                double scale = ((Number) c.get("max_abs_logit")).doubleValue();
                double err = maxAbsDiff(expected, got);
                String line = String.format("case %02d %s: max|diff| %.3g = %.3g x max|logit| %.3g", index, subnet.id(),
                        err, err / scale, scale);
                report.add(line);
                if (!(err <= RELATIVE_TOLERANCE * scale) || expected.length != got.length) {
                    failures.add(line);
                }
                index++;
            }
        }
        System.out.println(backend + " " + supernet.get("file") + "\n  " + String.join("\n  ", report));
        assertTrue(failures.isEmpty(), backend + ": " + failures.size() + " cases off:\n" + String.join("\n", failures));
    }

    private static void recalibrate(Network net, Workspace ws, Subnet subnet, Path images) throws Exception {
        BnStatistics stats = new BnStatistics();
        try (Tensor x = images(net, subnet.resolution(), images); Pass p = Pass.recalibrate(ws, stats)) {
            net.forward(p, subnet, x);
        }
        stats.apply();
    }

    private static float[] evaluate(Network net, Workspace ws, Subnet subnet, Path images) throws Exception {
        try (Tensor x = images(net, subnet.resolution(), images); Pass p = Pass.eval(ws)) {
            return net.forward(p, subnet, x).toArray();
        }
    }

    private static Tensor images(Network net, int r, Path file) throws Exception {
        float[] nchw = OfaFixtures.floats(file);
        int n = nchw.length / (3 * r * r);
        return Tensor.of(net.context(), Layout.NHWC, OfaFixtures.nhwc(nchw, n, 3, r, r), n, r, r, 3);
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.NaN;
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
