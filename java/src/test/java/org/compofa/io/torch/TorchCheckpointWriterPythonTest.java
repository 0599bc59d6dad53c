package org.compofa.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.compofa.io.TestStateDicts;
import org.compofa.testing.PythonTorch;
import org.compofa.testing.PythonTorch.Result;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our torch checkpoints read by PyTorch itself, where {@code /usr/bin/python3} imports torch (not in
 * CI: there these tests are SKIPPED, with the reason): {@code torch.load} gives the same tensors bit
 * for bit, {@code load_state_dict(strict=True)} accepts a Conv+BN dict, and torch.save of what it
 * loaded is our file byte for byte (torch before 2.0 writes no byteorder record; ours is then left out).
 */
class TorchCheckpointWriterPythonTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void torchAvailable() {
        PythonTorch.assumeTorch();
    }

    static Result python(String script, List<String> args) throws IOException {
        return PythonTorch.run(script, args);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Prints one line per tensor: name (hex of UTF-8), dtype, shape, stride, sha256 of the raw bytes. */
    static final String DESCRIBE = """
            import sys, hashlib, collections, torch
            sd = torch.load(sys.argv[1])
            assert type(sd) is collections.OrderedDict, type(sd)
            for k, v in sd.items():
                assert v.is_contiguous() and not v.requires_grad and v.device.type == 'cpu'
                raw = v.numpy().tobytes() if v.numel() else b''
                print(k.encode('utf-8').hex(), str(v.dtype), ','.join(map(str, v.shape)) or '-',
                      ','.join(map(str, v.stride())) or '-', hashlib.sha256(raw).hexdigest())
            """;

    @Test
    void torchLoadGivesTheSameTensorsBitForBit() throws IOException {
        SequencedMap<String, TorchTensor> sd = TestStateDicts.odd(21);
        sd.putAll(TestStateDicts.many(22, 300));
        Path f = dir.resolve("ours.pth");
        TorchCheckpointWriter.write(f, sd);
        Result r = python(DESCRIBE, List.of(f.toString()));
        assertEquals(0, r.exit(), r.output());
        List<String> want = new ArrayList<>();
        for (var e : sd.entrySet()) {
            TorchTensor t = e.getValue();
            int[] stride = StateDictPickler.contiguousStrides(t.shape());
            want.add(HexFormat.of().formatHex(e.getKey().getBytes(StandardCharsets.UTF_8)) + " "
                    + (t.isFloating() ? "torch.float32" : "torch.int64") + " " + join(t.shape()) + " "
                    + join(stride) + " " + sha256(TestStateDicts.littleEndian(t)));
        }
        assertEquals(want, r.output().lines().toList());
    }

    private static String join(int[] v) {
        return v.length == 0 ? "-" : Arrays.stream(v).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Test
    void loadStateDictStrictAcceptsConvAndBatchNorm() throws IOException {
        SplittableRandom r = new SplittableRandom(23);
        SequencedMap<String, TorchTensor> sd = new LinkedHashMap<>();
        sd.put("0.weight", TestStateDicts.floats(r, 5, 3, 3, 3));
        sd.put("1.weight", TestStateDicts.floats(r, 5));
        sd.put("1.bias", TestStateDicts.floats(r, 5));
        sd.put("1.running_mean", TestStateDicts.floats(r, 5));
        sd.put("1.running_var", TestStateDicts.floats(r, 5));
        sd.put("1.num_batches_tracked", new TorchTensor(TorchTensor.ElementType.INT64, new int[0], null,
                new long[] {123457}));
        Path f = dir.resolve("convbn.pth");
        TorchCheckpointWriter.write(f, sd);
        Result res = python("""
                import sys, torch
                m = torch.nn.Sequential(torch.nn.Conv2d(3, 5, 3, bias=False), torch.nn.BatchNorm2d(5))
                print(m.load_state_dict(torch.load(sys.argv[1]), strict=True))
                print(int(m[1].num_batches_tracked), m[1].num_batches_tracked.dtype,
                      m[0].weight.detach().view(-1)[:3].numpy().view('uint32').tolist())
                """, List.of(f.toString()));
        assertEquals(0, res.exit(), res.output());
        float[] w = sd.get("0.weight").floats();
        long[] bits = {Float.floatToRawIntBits(w[0]) & 0xffffffffL, Float.floatToRawIntBits(w[1]) & 0xffffffffL,
                Float.floatToRawIntBits(w[2]) & 0xffffffffL};
        assertEquals(List.of("<All keys matched successfully>", "123457 torch.int64 " + Arrays.toString(bits)),
                res.output().lines().toList());
    }

    @Test
    void torchSaveOfTheLoadedDictIsOurFileByteForByte() throws IOException {
        for (int seed : new int[] {31, 32}) {
            SequencedMap<String, TorchTensor> sd = TestStateDicts.odd(seed);
            sd.putAll(TestStateDicts.many(seed, seed == 31 ? 40 : 1003)); // memo past 255, batches past 1000
            Path ours = dir.resolve("ours" + seed + ".pth");
            TorchCheckpointWriter.write(ours, sd, false);
            Path theirs = dir.resolve("t" + seed).resolve("archive.pt"); // torch 1.x names the archive by the stem
            Files.createDirectories(theirs.getParent());
            Result r = python("""
                    import sys, torch
                    v = [int(x) for x in torch.__version__.split('+')[0].split('.')[:2]]
                    torch.save(torch.load(sys.argv[1]), sys.argv[2])
                    print('writes byteorder' if v >= [2, 0] else 'no byteorder')
                    """, List.of(ours.toString(), theirs.toString()));
            assertEquals(0, r.exit(), r.output());
            if (!r.output().strip().equals("no byteorder")) {
                Assumptions.abort("torch 2.x writes extra records (byteorder, serialization id): byte comparison is"
                        + " for torch 1.x");
            }
            byte[] a = Files.readAllBytes(ours);
            byte[] b = Files.readAllBytes(theirs);
            assertTrue(Arrays.equals(a, b), "seed " + seed + ": files differ at byte " + Arrays.mismatch(a, b)
                    + " (ours " + a.length + " bytes, torch's " + b.length + ")");
            assertArrayEquals(a, b);
        }
    }

    @Test
    void ofaFixturesSurviveReadWriteAndTorchLoad() throws Exception {
        Path fixtures = TorchOfaFixturesTest.fixtures();
        for (String name : List.of(TorchOfaFixturesTest.W10, TorchOfaFixturesTest.W12, TorchOfaFixturesTest.PREDICTOR)) {
            Path original = TorchOfaFixturesTest.checked(fixtures, name);
            Path ours = dir.resolve(name + ".exported.pth");
            TorchCheckpointWriter.write(ours, TorchCheckpoint.stateDict(original));
            Result r = python("""
                    import sys, torch
                    o = torch.load(sys.argv[1], map_location='cpu')
                    for w in ('state_dict', 'model', 'net'):
                        if isinstance(o, dict) and isinstance(o.get(w), dict):
                            o = o[w]
                    if all(k.startswith('module.') for k in o):
                        o = {k[len('module.'):]: v for k, v in o.items()}
                    e = torch.load(sys.argv[2])
                    assert list(o) == list(e), 'keys differ'
                    for k in o:
                        a, b = o[k], e[k]
                        a = a.float() if a.is_floating_point() else a.long()
                        assert a.shape == b.shape and a.dtype == b.dtype, k
                        assert a.numpy().tobytes() == b.numpy().tobytes(), k + ' differs'
                    print(len(o), 'tensors equal')
                    """, List.of(original.toString(), ours.toString()));
            assertEquals(0, r.exit(), name + ": " + r.output());
            assertTrue(r.output().strip().endsWith("tensors equal"), r.output());
        }
    }
}
