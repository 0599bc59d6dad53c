package org.compofa.search;

/** No candidate meets a latency budget: the message names the budget and the fastest latency. */
public final class NoSubnetWithinBudgetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The budget asked for, in ms. */
    private final double budgetMs;
    /** The fastest candidate's latency, in ms. */
    private final double fastestMs;

    NoSubnetWithinBudgetException(String platform, double budgetMs, double fastestMs) {
        super("no subnet runs within " + budgetMs + " ms on " + platform + ": the fastest takes " + fastestMs
                + " ms; allowed budgets are >= " + fastestMs + " ms");
        this.budgetMs = budgetMs;
        this.fastestMs = fastestMs;
    }

    /**
     * The budget asked for.
     *
     * @return the budget in ms
     */
    public double budgetMs() {
        return budgetMs;
    }

    /**
     * The fastest candidate's latency.
     *
     * @return the fastest latency in ms
     */
    public double fastestMs() {
        return fastestMs;
    }
}
