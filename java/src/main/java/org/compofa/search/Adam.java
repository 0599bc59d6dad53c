package org.compofa.search;

/**
 * Adam as {@code torch.optim.Adam} computes it (betas 0.9 and 0.999, eps 1e-8, weight decay as an
 * L2 term added to the gradient, not AdamW's decoupled decay).
 */
final class Adam {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final double learningRate;
    private final double weightDecay;
    private final float[] m;
    private final float[] v;
    private int steps;

    Adam(int parameters, double learningRate, double weightDecay) {
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        m = new float[parameters];
        v = new float[parameters];
    }

    /** One update of {@code params} from {@code grad}. */
    void step(float[] params, float[] grad) {
        steps++;
        double c1 = 1 - Math.pow(BETA1, steps);
        double sqrtC2 = Math.sqrt(1 - Math.pow(BETA2, steps));
        for (int i = 0; i < params.length; i++) {
            double g = grad[i] + weightDecay * params[i];
            m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g);
            v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g * g);
            params[i] -= (float) (learningRate / c1 * m[i] / (Math.sqrt(v[i]) / sqrtC2 + EPS));
        }
    }
}
