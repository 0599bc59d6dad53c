/**
 * OFA progressive shrinking against CompOFA compound training (issue #5): a resumable
 * {@link org.compofa.compare.Comparison} trains both supernets from one teacher on the same data and
 * engine, records each one's training cost, evaluates and times their subnets, runs the searches
 * (exact for CompOFA, predictor-guided evolution for OFA) and writes a
 * {@link org.compofa.compare.ComparisonReport} that answers the paper's four claims from the saved
 * artifacts alone.
 */
package org.compofa.compare;
