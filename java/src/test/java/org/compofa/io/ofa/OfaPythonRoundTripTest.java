package org.compofa.io.ofa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.compofa.io.safetensors.Safetensors;
import org.compofa.io.torch.TorchCheckpointWriter;
import org.compofa.nn.Network;
import org.compofa.runtime.Backend;
import org.compofa.testing.BackendContexts;
import org.compofa.testing.PythonTorch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round trip, checked by PyTorch itself where {@code /usr/bin/python3} has torch
 * (SKIPPED elsewhere, e.g. in CI): each shared fixture imported into a network, exported as an OFA
 * state dict and as safetensors, and {@code torch.load} of the export has exactly the original's
 * keys in its order, shapes and float32 values bit for bit (the fp16 checkpoint compared after
 * {@code .float()}); {@code num_batches_tracked} is 0 in ours. Exactly the original's keys is what
 * {@code OFAMobileNetV3(...).load_state_dict(sd, strict=True)} needs, since OFA's code wrote them.
 */
class OfaPythonRoundTripTest {
    @RegisterExtension
    static final BackendContexts contexts = new BackendContexts();

    @TempDir
    Path dir;

    static final String COMPARE = """
            import sys, json, struct, torch
            o = torch.load(sys.argv[1], map_location='cpu')
            for w in ('state_dict', 'model', 'net'):
                if isinstance(o, dict) and isinstance(o.get(w), dict):
                    o = o[w]
            if all(k.startswith('module.') for k in o):
                o = {k[len('module.'):]: v for k, v in o.items()}
            e = torch.load(sys.argv[2])
            assert list(o) == list(e), 'keys differ'
            raw = open(sys.argv[3], 'rb').read()
            n = struct.unpack('<Q', raw[:8])[0]
            header = json.loads(raw[8:8 + n])
            header.pop('__metadata__', None)
            assert list(header) == list(o), 'safetensors keys differ'
            for k in o:
                a, b = o[k], e[k]
                if a.is_floating_point():
                    a = a.float()
                    assert b.dtype == torch.float32 and a.shape == b.shape, k
                    assert a.numpy().tobytes() == b.numpy().tobytes(), k + ' differs'
                else:
                    assert k.endswith('num_batches_tracked') and b.dtype == torch.int64 and int(b) == 0, k
                h = header[k]
                lo, hi = h['data_offsets']
                assert h['shape'] == list(a.shape), k
                data = raw[8 + n + lo: 8 + n + hi]
                want = a.numpy().tobytes() if a.is_floating_point() else b.numpy().tobytes()
                assert data == want, k + ' safetensors bytes differ'
            print(len(o), 'tensors equal')
            """;

    @Test
    void importExportTorchLoadGivesTheOriginalTensors() throws Exception {
        PythonTorch.assumeTorch();
        Path fixtures = OfaFixtures.dir();
        for (String name : List.of("ofa_mbv3_w1.0_k357_transform_seed7.pth",
                "compofa_mbv3_w1.2_fixedkernel_c10_fp16_legacy_seed11.pth.tar")) {
            Path original = OfaFixtures.checked(fixtures, name);
            OfaSupernet imported = OfaImport.read(original);
            Path pth = dir.resolve(name + ".ofa.pth");
            Path st = dir.resolve(name + ".safetensors");
            try (Network net = imported.toNetwork(contexts.get(Backend.CPU))) {
                var sd = OfaExport.supernet(net, imported.matrices());
                TorchCheckpointWriter.write(pth, sd);
                Safetensors.write(st, sd, java.util.Map.of("format", "pt"));
            }
            PythonTorch.Result r = PythonTorch.run(COMPARE, List.of(original.toString(), pth.toString(), st.toString()));
            assertEquals(0, r.exit(), name + ": " + r.output());
            assertTrue(r.output().strip().endsWith("tensors equal"), r.output());
            System.out.println(name + ": " + r.output().strip());
        }
    }
}
