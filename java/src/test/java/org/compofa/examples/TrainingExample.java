package org.compofa.examples;

import java.nio.file.Path;
import org.compofa.data.Dataset;
import org.compofa.data.FashionMnist;
import org.compofa.data.SubsetDataset;
import org.compofa.export.ModelFile;
import org.compofa.nn.Network;
import org.compofa.runtime.ComputeContext;
import org.compofa.space.ResolutionSet;
import org.compofa.space.Subnet;
import org.compofa.train.FashionRecipe;

/** Trains a CompOFA supernet on Fashion-MNIST and exports its largest subnet: {@code TrainingExample runs/x [images]}. */
public final class TrainingExample {
    private TrainingExample() {
    }

    /** Teacher, then CompOFA's two compound phases, then a model file for the Predictor. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 60_000;
        Dataset train = SubsetDataset.randomSample(FashionMnist.load(FashionMnist.Split.TRAIN), images, 1);
        Dataset test = FashionMnist.load(FashionMnist.Split.TEST);
        // width 0.5, batch 128, 1 teacher epoch, 2 compound epochs, resolutions 24-32, seed 1
        var settings = new FashionRecipe.Settings(out, 0.5, 128, 1, 2, FashionRecipe.DEFAULT_COMPOUND_LR_SCALE,
                new ResolutionSet(24, 32, 4), 1);
        try (ComputeContext ctx = ComputeContext.select()) {
            FashionRecipe recipe = new FashionRecipe(settings, ctx, train, test, System.out);
            try (Network teacher = new Network(ctx, recipe.spec(), 1);
                 Network supernet = new Network(ctx, recipe.spec(), 2)) {
                recipe.trainTeacher(teacher);               // checkpoints in out/: a rerun resumes
                recipe.trainCompound(supernet, teacher);
                Subnet largest = recipe.space().largest(28);
                ModelFile.write(out.resolve("largest.cmpf"), supernet, largest, recipe.space().id(),
                        settings.input().at(28));
            }
        }
    }
}
