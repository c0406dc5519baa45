package dev.gatehouse.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command-line tool run to its end, with a bound: its exit status and what it printed (stdout and stderr together). */
record Command(int exitStatus, String output) {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    static Command run(Path workingDirectory, List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not end within " + TIMEOUT);
        }
        return new Command(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    boolean succeeded() {
        return exitStatus == 0;
    }
}
