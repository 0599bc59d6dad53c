package org.compofa.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.compofa.io.torch.TorchTensor;
import org.compofa.search.OfaAccuracyPredictor;
import org.compofa.space.InvalidSubnetException;
import org.compofa.space.SearchSpace;

/**
 * {@code compofa import acc_predictor.pth --out RUN}: OFA's released accuracy predictor joins an
 * imported run ({@code RUN/imported/acc_predictor.pth}), after which {@code compofa search} ranks the
 * run's subnets by it wherever the run has no measured accuracy table: OFA's whole search, no
 * training and no evaluation needed.
 */
final class PredictorImport {
    /** The predictor's place in an imported run. */
    static final String FILE = "acc_predictor.pth";

    private PredictorImport() {
    }

    /** The predictor file of an imported run, or null when it has none. */
    static Path find(Path runDir) {
        Path p = runDir.resolve(ImportedRun.FOLDER).resolve(FILE);
        return Files.isRegularFile(p) ? p : null;
    }

    /** Checks the predictor against the run's space and copies it in; 0. */
    static int run(PrintStream o, Path file, Map<String, TorchTensor> stateDict, Path out) throws IOException {
        OfaAccuracyPredictor predictor = OfaAccuracyPredictor.fromStateDict(file, stateDict);
        o.println("file: " + file);
        o.println("kind: OFA accuracy predictor (MLP 128-400-400-400-1 over OFA's one-hot kernel / expand /"
                + " resolution encoding; predicts ImageNet top-1 of the w1.0 supernet's subnets)");
        if (!ImportedRun.isImported(out)) {
            throw new CommandFailedException(out + " is not an imported run: import the supernet first (compofa import"
                    + " SUPERNET.pth --out " + out + "), then the predictor into the same --out");
        }
        ImportedRun run = ImportedRun.read(out);
        SearchSpace space = run.searchSpace();
        try {
            predictor.checkSpace(space);
        } catch (InvalidSubnetException e) {
            throw new CommandFailedException("the predictor cannot rank " + out + "'s space " + space.id() + ": "
                    + e.getMessage());
        }
        if (space.widthMultiplier() != 1.0) {
            o.println("note: OFA trained this predictor on its w1.0 supernet; on " + space.id()
                    + " it is a proxy (reference §10.4)");
        }
        int r = space.resolutions().max();
        o.printf(Locale.ROOT, "predicted top-1 at %d px: largest %.2f %%, smallest %.2f %%%n", r,
                predictor.predict(space.largest(r)), predictor.predict(space.smallest(r)));
        Path target = out.resolve(ImportedRun.FOLDER).resolve(FILE);
        String sha = ImportedRun.sha256(file);
        if (Files.isRegularFile(target)) {
            if (ImportedRun.sha256(target).equals(sha)) {
                o.println("run: " + out + " already holds this predictor; nothing to do");
                return 0;
            }
            throw new CommandFailedException(target + " holds another predictor; give a new --out or remove it");
        }
        ImportCommand.copy(file, target);
        o.println("run: " + out + " (imported/" + FILE + ", sha256 " + sha + "; compofa search --run " + out
                + " now ranks subnets by it where no evaluation/accuracy.csv exists)");
        return 0;
    }

    /** The run's predictor, checked against its space. */
    static OfaAccuracyPredictor load(Path runDir, SearchSpace space) throws IOException {
        Path p = find(runDir);
        if (p == null) {
            throw new CommandFailedException(runDir + " has no " + ImportedRun.FOLDER + "/" + FILE);
        }
        return OfaAccuracyPredictor.load(p).checkSpace(space);
    }
}
