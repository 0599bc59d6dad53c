package org.compofa.io.ofa;

/** Moves a tensor's elements between OFA's order and compofa's ({@link OfaTensor.Reorder}). */
final class OfaLayouts {
    private OfaLayouts() {
    }

    /** OFA's elements of {@code e} in compofa's order (a new array unless the order is the same). */
    static float[] toOurs(OfaTensor e, float[] ofa) {
        return switch (e.layout()) {
            case SAME -> ofa;
            case STEM -> ohwiFromOihw(ofa, e.ofaShape());
            case DEPTHWISE -> tapsMajor(ofa, e.ofaShape()[0], e.ofaShape()[2]);
            case COUNTER, IDENTITY -> throw new IllegalArgumentException(e.layout() + " has no values to move");
        };
    }

    /** compofa's elements of {@code e} in OFA's order. */
    static float[] toOfa(OfaTensor e, float[] ours) {
        return switch (e.layout()) {
            case SAME -> ours;
            case STEM -> oihwFromOhwi(ours, e.ofaShape());
            case DEPTHWISE -> channelsMajor(ours, e.ofaShape()[0], e.ofaShape()[2]);
            case COUNTER, IDENTITY -> throw new IllegalArgumentException(e.layout() + " has no values to move");
        };
    }

    /** [o][i][h][w] to [o][h][w][i]. */
    private static float[] ohwiFromOihw(float[] v, int[] oihw) {
        int o = oihw[0];
        int in = oihw[1];
        int taps = oihw[2] * oihw[3];
        float[] out = new float[v.length];
        for (int a = 0; a < o; a++) {
            for (int c = 0; c < in; c++) {
                for (int t = 0; t < taps; t++) {
                    out[(a * taps + t) * in + c] = v[(a * in + c) * taps + t];
                }
            }
        }
        return out;
    }

    /** [o][h][w][i] to [o][i][h][w]. */
    private static float[] oihwFromOhwi(float[] v, int[] oihw) {
        int o = oihw[0];
        int in = oihw[1];
        int taps = oihw[2] * oihw[3];
        float[] out = new float[v.length];
        for (int a = 0; a < o; a++) {
            for (int c = 0; c < in; c++) {
                for (int t = 0; t < taps; t++) {
                    out[(a * in + c) * taps + t] = v[(a * taps + t) * in + c];
                }
            }
        }
        return out;
    }

    /** [c][1][k][k] to [k][k][c]. */
    private static float[] tapsMajor(float[] v, int channels, int k) {
        int taps = k * k;
        float[] out = new float[v.length];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < taps; t++) {
                out[t * channels + c] = v[c * taps + t];
            }
        }
        return out;
    }

    /** [k][k][c] to [c][1][k][k]. */
    private static float[] channelsMajor(float[] v, int channels, int k) {
        int taps = k * k;
        float[] out = new float[v.length];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < taps; t++) {
                out[c * taps + t] = v[t * channels + c];
            }
        }
        return out;
    }
}
