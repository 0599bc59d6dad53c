package org.compofa.search;

/** No candidate meets a latency budget: the message names the budget and the fastest latency. */
public final class NoSubnetWithinBudgetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final double budgetMs;
    private final double fastestMs;

    NoSubnetWithinBudgetException(String platform, double budgetMs, double fastestMs) {
        super("no subnet runs within " + budgetMs + " ms on " + platform + ": the fastest takes " + fastestMs
                + " ms; allowed budgets are >= " + fastestMs + " ms");
        this.budgetMs = budgetMs;
        this.fastestMs = fastestMs;
    }

    /** The budget asked for. */
    public double budgetMs() {
        return budgetMs;
    }

    /** The fastest candidate's latency. */
    public double fastestMs() {
        return fastestMs;
    }
}
