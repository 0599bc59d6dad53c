package org.compofa.search;

/**
 * Settings of {@link EvolutionSearch}; {@link #ofa()} gives OFA's (reference §6.3, §11).
 *
 * <p>Each generation keeps the best {@code round(parentRatio * populationSize)} individuals as
 * parents and adds {@code populationSize} children: {@code round(mutationRatio * populationSize)}
 * by mutation, the rest by crossover.
 *
 * @param populationSize       individuals per generation (2 to 100,000)
 * @param generations          rounds of selection and variation (0 to 1,000,000; 0 returns the best
 *                             of the random first population)
 * @param parentRatio          share of the population kept as parents, in (0, 1], at least one parent
 * @param mutationRatio        share of the children made by mutation, in [0, 1]
 * @param mutateProbability    chance that each choice (depth, kernel, expand, resolution) is resampled
 *                             by a mutation, in [0, 1]
 * @param maxSampleTries       draws before a random, mutated or crossed-over individual gives up on
 *                             meeting the budget (1 to 1,000,000)
 * @param seed                 seeds the search's {@link java.util.SplittableRandom}
 */
public record EvolutionConfig(int populationSize, int generations, double parentRatio, double mutationRatio,
                              double mutateProbability, int maxSampleTries, long seed) {
    /** Checks every setting and names the allowed range of the first bad one. */
    public EvolutionConfig {
        if (populationSize < 2 || populationSize > 100_000) {
            throw new IllegalArgumentException("population size " + populationSize + ": allowed 2 to 100000");
        }
        if (generations < 0 || generations > 1_000_000) {
            throw new IllegalArgumentException("generations " + generations + ": allowed 0 to 1000000");
        }
        if (!(parentRatio > 0 && parentRatio <= 1) || Math.round(parentRatio * populationSize) < 1) {
            throw new IllegalArgumentException("parent ratio " + parentRatio + " of population " + populationSize
                    + ": must be in (0, 1] and keep at least one parent");
        }
        if (!(mutationRatio >= 0 && mutationRatio <= 1)) {
            throw new IllegalArgumentException("mutation ratio " + mutationRatio + ": must be in [0, 1]");
        }
        if (!(mutateProbability >= 0 && mutateProbability <= 1)) {
            throw new IllegalArgumentException("mutate probability " + mutateProbability + ": must be in [0, 1]");
        }
        if (maxSampleTries < 1 || maxSampleTries > 1_000_000) {
            throw new IllegalArgumentException("max sample tries " + maxSampleTries + ": allowed 1 to 1000000");
        }
    }

    /** OFA's settings: population 100, 500 generations, parent ratio 0.25, mutation ratio 0.5, mutate
      *
      * @return the configuration
     *  probability 0.1; 500 tries per individual; seed 0. */
    public static EvolutionConfig ofa() {
        return new EvolutionConfig(100, 500, 0.25, 0.5, 0.1, 500, 0L);
    }

    /**
     * This configuration with another seed.
     *
     * @param newSeed the random seed
     * @return a copy with that value
     */
    public EvolutionConfig withSeed(long newSeed) {
        return new EvolutionConfig(populationSize, generations, parentRatio, mutationRatio, mutateProbability,
                maxSampleTries, newSeed);
    }

    /**
     * This configuration with another number of generations.
     *
     * @param newGenerations generations, &gt;= 1
     * @return a copy with that value
     */
    public EvolutionConfig withGenerations(int newGenerations) {
        return new EvolutionConfig(populationSize, newGenerations, parentRatio, mutationRatio, mutateProbability,
                maxSampleTries, seed);
    }

    /**
     * Parents kept per generation.
     *
     * @return parents per generation
     */
    public int parents() {
        return (int) Math.round(parentRatio * populationSize);
    }

    /**
     * Children made by mutation per generation (the rest come from crossover).
     *
     * @return mutants per generation
     */
    public int mutants() {
        return (int) Math.round(mutationRatio * populationSize);
    }
}
