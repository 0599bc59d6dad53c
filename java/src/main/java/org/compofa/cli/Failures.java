package org.compofa.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

import org.compofa.bindings.CompofaException;
import org.compofa.bindings.NativeLibraryException;
import org.compofa.data.DatasetException;
import org.compofa.export.OnnxRuntimeMissingException;
import org.compofa.search.NoSubnetWithinBudgetException;
import org.compofa.space.InvalidSubnetException;
import org.compofa.train.CheckpointException;
import org.compofa.train.TrainingDivergedException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How a failed command is reported: one line {@code compofa <command>: <what, naming the file or
 * option>} on stderr and exit 1 for a failure of the work; the message, suggestions and a pointer to
 * {@code --help} (the whole usage where no command or parameter was given) and exit 2 for a usage
 * error. Stack traces only with {@code --verbose}.
 */
final class Failures implements IExecutionExceptionHandler {
    /** The work failed (bad file, failed check, device error). */
    static final int FAILURE = 1;
    /** The command line was wrong. */
    static final int USAGE = 2;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandSpec().qualifiedName() + ": " + message(e));
        if (verbose(parsed)) {
            e.printStackTrace(err);
        } else if (!isExpected(e)) {
            err.println("(an unexpected " + e.getClass().getName() + "; rerun with --verbose for the stack trace)");
        }
        err.flush();
        return FAILURE;
    }

    /** The parameter-exception handler: a usage error. */
    static int usageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        boolean suggested = UnmatchedArgumentException.printSuggestions(e, err);
        if (cl.getCommandSpec().parent() == null || e instanceof MissingParameterException) {
            err.println();
            cl.usage(err);
        } else if (!suggested) {
            err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for the options.");
        }
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            e.printStackTrace(err);
        }
        err.flush();
        return USAGE;
    }

    /** One line that names the file (or option) and says what is wrong. */
    static String message(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return message(u.getCause());
        }
        if (e instanceof FileSystemException f) {
            String what = switch (f) {
                case NoSuchFileException x -> "no such file or directory";
                case AccessDeniedException x -> "permission denied";
                case FileAlreadyExistsException x -> "already exists (a directory or a new file was needed)";
                case NotDirectoryException x -> "not a directory";
                case DirectoryNotEmptyException x -> "directory not empty";
                default -> f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
            };
            String file = f.getFile() != null ? f.getFile() : "?";
            return file + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
        }
        if (e instanceof CharacterCodingException) {
            return "a file is not UTF-8 text (" + e.getClass().getSimpleName() + ")";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName() + (e.getCause() != null ? ": " + message(e.getCause()) : "");
        }
        // Keep one line: multi-line messages (the native loader lists every attempt) are shown in full
        // with --verbose; the first line says what failed.
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl) + " (more with --verbose)";
    }

    /** Failures the library reports by design, as opposed to bugs. */
    private static boolean isExpected(Throwable e) {
        return e instanceof IOException || e instanceof UncheckedIOException || e instanceof CompofaException
                || e instanceof NativeLibraryException || e instanceof DatasetException
                || e instanceof CheckpointException || e instanceof TrainingDivergedException
                || e instanceof NoSubnetWithinBudgetException || e instanceof InvalidSubnetException
                || e instanceof CommandFailedException || e instanceof IllegalArgumentException
                || e instanceof OnnxRuntimeMissingException;
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
