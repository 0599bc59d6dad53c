package org.compofa.bench;

import org.compofa.train.StepThroughput;

/**
 * The {@code net} parameter of the compound-step benchmarks: {@code fashion} = the default small-input
 * w0.5 supernet at 28 px, batch 128; {@code imagenet-rNNN} = the ImageNet w1.0 supernet at resolution
 * NNN with the benchmark's ImageNet batch.
 */
record CompoundStepCase(StepThroughput.Net net, int resolution, int batch) {
    static CompoundStepCase parse(String net, int imagenetBatch) {
        if (net.equals("fashion")) {
            return new CompoundStepCase(StepThroughput.Net.FASHION, 28, 128);
        }
        if (!net.startsWith("imagenet-r")) {
            throw new IllegalArgumentException("net '" + net + "': allowed fashion or imagenet-rNNN");
        }
        return new CompoundStepCase(StepThroughput.Net.IMAGENET, Integer.parseInt(net.substring("imagenet-r".length())),
                imagenetBatch);
    }
}
