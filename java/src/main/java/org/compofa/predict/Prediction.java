package org.compofa.predict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * One image's result: the logits, their softmax probabilities and the class names, ranked.
 *
 * @param logits        the model's raw outputs, one per class
 * @param probabilities softmax of the logits (computed in double, summing to 1)
 * @param classNames    a name per class ({@code "class <i>"} where the model file has none)
 */
public record Prediction(float[] logits, double[] probabilities, List<String> classNames) {
    /**
     * One ranked class.
     *
     * @param index       the class's output index, 0-based
     * @param name        its name
     * @param probability its softmax probability, in [0, 1]
     */
    public record Scored(int index, String name, double probability) {
    }

    /** Copies the arrays. */
    public Prediction {
        logits = logits.clone();
        probabilities = probabilities.clone();
        classNames = List.copyOf(classNames);
        if (logits.length != probabilities.length || logits.length != classNames.size()) {
            throw new IllegalArgumentException(logits.length + " logits, " + probabilities.length + " probabilities, "
                    + classNames.size() + " names");
        }
    }

    /**
     * The most probable class (the lowest index among equal probabilities).
     *
     * @return the top class
     */
    public Scored best() {
        return top(1).getFirst();
    }

    /**
     * The {@code k} most probable classes, most probable first (ties: lower index first).
     *
     * @param k how many, &gt;= 1; more than the number of classes gives them all
     * @return min(k, classes) classes, ranked
     * @throws IllegalArgumentException if k &lt; 1
     */
    public List<Scored> top(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k " + k + ": must be >= 1");
        }
        List<Integer> order = new ArrayList<>(IntStream.range(0, logits.length).boxed().toList());
        order.sort(Comparator.<Integer>comparingDouble(i -> -probabilities[i]).thenComparingInt(i -> i));
        return order.stream().limit(k).map(i -> new Scored(i, classNames.get(i), probabilities[i])).toList();
    }

    /** Softmax in double, shifted by the largest logit so no exponent overflows. */
    static double[] softmax(float[] logits, int offset, int length) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double[] p = new double[length];
        double sum = 0;
        for (int i = 0; i < length; i++) {
            p[i] = Math.exp(logits[offset + i] - max);
            sum += p[i];
        }
        for (int i = 0; i < length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    @Override
    public String toString() {
        Scored b = best();
        return String.format(java.util.Locale.ROOT, "%s (%.1f %%)", b.name(), 100 * b.probability());
    }
}
