package org.compofa.examples;

import java.nio.file.Path;
import org.compofa.predict.Prediction;
import org.compofa.predict.Predictor;

/** Classifies image files with an exported model: {@code InferenceExample model.cmpf cat.jpg dog.png}. */
public final class InferenceExample {
    private InferenceExample() {
    }

    /** Prints the three most probable classes of each image. */
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        // The model file carries its preprocessing (resize, channels, mean/std, class names), so
        // images of any size go in as they are. CUDA is used when present, else the CPU.
        try (Predictor predictor = Predictor.load(model)) {
            System.out.println("model: " + predictor.subnet().id() + ", input " + predictor.preprocessing());
            for (int i = 1; i < args.length; i++) {
                Prediction p = predictor.predict(Path.of(args[i]));
                System.out.println(args[i] + ":");
                for (Prediction.Scored s : p.top(3)) {
                    System.out.printf("  %-24s %5.1f %%%n", s.name(), 100 * s.probability());
                }
            }
        }
    }
}
