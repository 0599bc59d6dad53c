package org.compofa.space;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Writes and reads {@link Subnet#id()}: {@code d<digits>-k<groups>-e<groups>-r<int>}. */
final class SubnetIdFormat {
    private static final Pattern FORM =
            Pattern.compile("d([0-9]+)-k([0-9]+(?:\\.[0-9]+)*)-e([0-9]+(?:\\.[0-9]+)*)-r([0-9]{1,6})");
    private static final String EXAMPLE = "d23423-k3300.5550.3333.3300.5550-e3300.4440.6666.3300.4440-r224";

    private SubnetIdFormat() {
    }

    static String format(Subnet subnet) {
        int slots = subnet.slotsPerStage();
        StringBuilder sb = new StringBuilder("d");
        for (int d : subnet.depths()) {
            sb.append(d);
        }
        appendGroups(sb.append("-k"), subnet.kernels(), slots);
        appendGroups(sb.append("-e"), subnet.expands(), slots);
        return sb.append("-r").append(subnet.resolution()).toString();
    }

    private static void appendGroups(StringBuilder sb, int[] values, int slots) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0 && i % slots == 0) {
                sb.append('.');
            }
            sb.append(values[i]);
        }
    }

    static Subnet parse(String id) {
        if (id == null) {
            throw new InvalidSubnetException("subnet id is null");
        }
        Matcher m = FORM.matcher(id.strip());
        if (!m.matches()) {
            throw new InvalidSubnetException("subnet id '" + id + "' is malformed: expected"
                    + " d<depth digits>-k<kernel digits per stage, dot-separated>-e<expand digits"
                    + " per stage>-r<resolution>, e.g. " + EXAMPLE);
        }
        int[] depths = digits(m.group(1));
        String[] kGroups = m.group(2).split("\\.");
        String[] eGroups = m.group(3).split("\\.");
        int stages = depths.length;
        if (kGroups.length != stages || eGroups.length != stages) {
            throw new InvalidSubnetException("subnet id '" + id + "': " + stages + " depths but "
                    + kGroups.length + " kernel groups and " + eGroups.length + " expand groups");
        }
        int slots = kGroups[0].length();
        int[] kernels = new int[stages * slots];
        int[] expands = new int[stages * slots];
        for (int s = 0; s < stages; s++) {
            if (kGroups[s].length() != slots || eGroups[s].length() != slots) {
                throw new InvalidSubnetException("subnet id '" + id + "': stage " + (s + 1)
                        + " kernel/expand groups must each have " + slots + " digits (one per block slot)");
            }
            int[] k = digits(kGroups[s]);
            int[] e = digits(eGroups[s]);
            for (int b = 0; b < slots; b++) {
                boolean active = b < depths[s];
                if (active == (k[b] == Subnet.INACTIVE) || active == (e[b] == Subnet.INACTIVE)) {
                    throw new InvalidSubnetException("subnet id '" + id + "': stage " + (s + 1)
                            + " has depth " + depths[s] + ", so exactly its first " + depths[s]
                            + " kernel and expand digits must be non-zero (got k" + kGroups[s]
                            + ", e" + eGroups[s] + ")");
                }
                kernels[s * slots + b] = k[b];
                expands[s * slots + b] = e[b];
            }
        }
        return new Subnet(depths, kernels, expands, Integer.parseInt(m.group(4)));
    }

    private static int[] digits(String s) {
        return s.chars().map(c -> c - '0').toArray();
    }
}
