package org.compofa.space;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Id and JSON forms of {@link Subnet} round-trip; inactive slots are normalised. Pure Java. */
class SubnetRoundTripTest {

    static Stream<SearchSpace> spaces() {
        return Stream.of(SearchSpaces.ofaMbv3(1.0), SearchSpaces.ofaMbv3(1.2), SearchSpaces.compOfa(1.0),
                SearchSpaces.compOfaElasticKernel(1.0));
    }

    @ParameterizedTest(name = "{0}: 1021 random subnets survive id and JSON")
    @MethodSource("spaces")
    void idAndJsonRoundTripForRandomSubnets(SearchSpace space) {
        SplittableRandom rnd = new SplittableRandom(1021);
        for (int i = 0; i < 1021; i++) {
            Subnet s = space.sample(rnd);
            Subnet fromId = Subnet.parse(s.id());
            Subnet fromJson = SubnetJson.parse(SubnetJson.write(s));
            assertEquals(s, fromId, s.id());
            assertEquals(s, fromJson, SubnetJson.write(s));
            assertEquals(s.hashCode(), fromJson.hashCode());
            assertEquals(s.id(), fromId.id());
            assertTrue(space.contains(fromId));
        }
    }

    @Test
    void idFormatIsTheDocumentedOne() {
        Subnet s = SearchSpaces.compOfa(1.0).subnet(new int[] {2, 3, 4, 2, 3},
                repeat(3, 5, 3, 3, 5), repeat(3, 4, 6, 3, 4), 224);
        assertEquals("d23423-k3300.5550.3333.3300.5550-e3300.4440.6666.3300.4440-r224", s.id());
        assertEquals("{\"d\":[2,3,4,2,3],\"ks\":[3,3,0,0,5,5,5,0,3,3,3,3,3,3,0,0,5,5,5,0],"
                + "\"e\":[3,3,0,0,4,4,4,0,6,6,6,6,3,3,0,0,4,4,4,0],\"r\":224}", SubnetJson.write(s));
    }

    @Test
    void inactiveSlotsAreNormalisedSoEqualNetworksCompareEqual() {
        int[] d = {2, 2, 2, 2, 2};
        int[] k1 = repeat(3, 3, 3, 3, 3);
        int[] k2 = k1.clone();
        k2[2] = 7; // stage 1 block 3: inactive at depth 2
        k2[19] = 5;
        int[] e = repeat(3, 3, 3, 3, 3);
        Subnet a = new Subnet(d, k1, e, 160);
        Subnet b = new Subnet(d, k2, e, 160);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(Subnet.INACTIVE, b.kernel(0, 2));
        assertNotEquals(a, a.withResolution(224));
    }

    @Test
    void subnetIsImmutable() {
        int[] d = {4, 4, 4, 4, 4};
        int[] k = repeat(7, 7, 7, 7, 7);
        Subnet s = new Subnet(d, k, repeat(6, 6, 6, 6, 6), 224);
        d[0] = 2;
        k[0] = 3;
        s.kernels()[1] = 3;
        assertEquals(4, s.depth(0));
        assertArrayEquals(repeat(7, 7, 7, 7, 7), s.kernels());
    }

    @Test
    void jsonAcceptsOfaStyleResolutionListAndWidNull() {
        String ofaStyle = "{ \"wid\": null, \"ks\": " + list(repeat(5, 5, 5, 5, 5)) + ", \"e\": "
                + list(repeat(4, 4, 4, 4, 4)) + ",\n \"d\": [3, 3, 3, 3, 3], \"r\": [192] }";
        Subnet s = SubnetJson.parse(ofaStyle);
        assertEquals(192, s.resolution());
        assertEquals(5, s.kernel(4, 2));
        assertEquals(Subnet.INACTIVE, s.kernel(4, 3), "slot 4 of a depth-3 stage is normalised");
    }

    @Test
    void malformedJsonAndIdsGiveTypedErrors() {
        String good = SubnetJson.write(SearchSpaces.compOfa(1.0).largest(224));
        assertMessage(() -> SubnetJson.parse(good.replace("\"r\":224", "\"r\":224.5")), "integer");
        assertMessage(() -> SubnetJson.parse(good.replace("\"r\":224", "\"res\":224")), "unknown");
        assertMessage(() -> SubnetJson.parse(good.replace(",\"r\":224", "")), "lacks 'r'");
        assertMessage(() -> SubnetJson.parse(good + "x"), "trailing");
        assertMessage(() -> SubnetJson.parse(good.replace("\"r\":224", "\"d\":[2]")), "duplicate");
        assertMessage(() -> SubnetJson.parse("{\"d\":[2],\"ks\":[3],\"e\":[3],\"r\":224,\"wid\":1}"), "wid");
        assertMessage(() -> SubnetJson.parse(good + good), "trailing");
        assertMessage(() -> SubnetJson.parse(good.substring(0, good.length() - 1)), "malformed");
        assertMessage(() -> SubnetJson.parse("[" + good + "]"), "malformed");
        assertMessage(() -> SubnetJson.parse(" "), "empty");
        assertMessage(() -> SubnetJson.parse(good.replace("\"r\":224", "\"r\":99999999999")), "integer");
        assertMessage(() -> SubnetJson.parse(good.replace("\"r\":224", "\"r\":\"224\"")), "integer");
        assertMessage(() -> SubnetJson.parse(good.replace("\"d\":[", "\"d\":[[2],")), "list of integers");
        assertMessage(() -> SubnetJson.parse(good.replace("\"r\":224", "\"r\":224,\"\\u00e9\\\"\":1")), "unknown");
        assertMessage(() -> Subnet.parse("d23423-k33.555.3333.33.555-e33.444.6666.33.444"), "malformed");
        assertMessage(() -> Subnet.parse("d2-k3330-e3300-r224"), "exactly its first 2");
        assertMessage(() -> Subnet.parse("d22-k3300.330-e3300.330-r224"), "4 digits");
        assertMessage(() -> Subnet.parse("d5-k3333-e3333-r224"), "allowed 1 to 4");
    }

    private static void assertMessage(Runnable parse, String fragment) {
        InvalidSubnetException e = assertThrows(InvalidSubnetException.class, parse::run);
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    /** 20 slots, stage s's 4 slots all set to perStage[s]. */
    static int[] repeat(int... perStage) {
        int[] out = new int[perStage.length * 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = perStage[i / 4];
        }
        return out;
    }

    private static String list(int[] values) {
        return java.util.Arrays.toString(values);
    }
}
