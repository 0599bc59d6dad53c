package org.compofa.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.compofa.runtime.Backend;
import org.compofa.runtime.ComputeContext;
import org.junit.jupiter.api.Test;

/**
 * The activation memory plan of a compound training step: once a (subnets, resolution, batch) step
 * has run, repeating it allocates no tensor at all (every activation, gradient and upload buffer comes
 * from the warm workspace), and the loss is the same deterministic function of the same weights.
 */
class StepMemoryPlanTest {
    @Test
    void aRepeatedStep_allocatesNothing() {
        try (ComputeContext ctx = ComputeContext.open(Backend.CPU);
             StepThroughput.Session session = new StepThroughput.Session(ctx, StepThroughput.Net.FASHION, 28, 5)) {
            long before = ctx.tensorsAllocated();
            session.step();
            long firstStep = ctx.tensorsAllocated() - before;
            assertTrue(firstStep > 0, "the first step fills the workspace: " + firstStep + " tensors");
            for (int i = 0; i < 2; i++) {
                long start = ctx.tensorsAllocated();
                double loss = session.step();
                assertTrue(Double.isFinite(loss), "loss " + loss);
                assertEquals(0, ctx.tensorsAllocated() - start, "tensors allocated by repeated step " + (i + 2));
            }
        }
    }
}
