/**
 * Search over measured tables (pure Java, no native library): {@link org.compofa.search.ExactSearch}
 * answers latency budgets and gives the Pareto front of a CompOFA table exactly; candidates are
 * {@link org.compofa.search.Candidate} values (subnet, top-1, latency on one platform).
 */
package org.compofa.search;
