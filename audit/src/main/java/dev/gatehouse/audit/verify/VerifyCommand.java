package dev.gatehouse.audit.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java -jar gatehouse-audit-verify.jar BUNDLE.zip}: verifies an audit export offline. Prints
 * every problem, naming the record, file or checkpoint, and exits 0 only when the bundle verifies
 * (1 when it does not, 2 when it cannot be read at all).
 */
public final class VerifyCommand {

    private VerifyCommand() {
    }

    public static void main(String[] arguments) {
        if (arguments.length != 1 || !Files.isRegularFile(Path.of(arguments[0]))) {
            System.err.println("usage: java -jar gatehouse-audit-verify.jar BUNDLE.zip");
            System.exit(2);
        }
        try {
            BundleVerifier.Result result = BundleVerifier.verify(Path.of(arguments[0]));
            result.notes().forEach(note -> System.out.println("info: " + note));
            result.problems().forEach(problem -> System.out.println("FAILED: " + problem));
            System.out.println(result.verified() ? "VERIFIED" : "NOT VERIFIED: " + result.problems().size() + " problem(s)");
            System.exit(result.verified() ? 0 : 1);
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot read the bundle: " + e.getMessage());
            System.exit(2);
        }
    }
}
