/**
 * Search (pure Java, no native library). {@link org.compofa.search.ExactSearch} answers latency
 * budgets and gives the Pareto front of a measured CompOFA table exactly; for spaces too large to
 * measure, {@link org.compofa.search.EvolutionSearch} runs OFA's regularised evolution with an
 * injected accuracy function, typically an {@link org.compofa.search.AccuracyPredictor} (OFA's
 * one-hot MLP over an {@link org.compofa.search.ArchitectureEncoding}) or OFA's released predictor
 * imported from PyTorch ({@link org.compofa.search.OfaAccuracyPredictor}, over OFA's own
 * {@link org.compofa.search.OfaTutorialEncoding}), and a latency function. Accuracies are top-1 in percent.
 * Candidates are {@link org.compofa.search.Candidate} values (subnet, top-1, latency on one platform).
 */
package org.compofa.search;
