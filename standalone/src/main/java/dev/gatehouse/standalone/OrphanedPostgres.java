package dev.gatehouse.standalone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL server runs as a process of its own, so a gateway killed with SIGKILL
 * leaves it running on the data directory, and the next start cannot start another one there. Before
 * starting, the server a previous process left behind (named by {@code postmaster.pid}, and really a
 * postgres process) is stopped: a fast shutdown (SIGINT: sessions ended, data flushed), and a kill if
 * it does not end in time, after which PostgreSQL's own crash recovery runs at the next start.
 */
final class OrphanedPostgres {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanedPostgres.class);

    private OrphanedPostgres() {
    }

    static void stopIfRunning(Path dataDirectory, Duration patience) throws IOException {
        Optional<ProcessHandle> orphan = serverOf(dataDirectory.resolve("postmaster.pid"));
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle server = orphan.get();
        LOG.warn("an embedded PostgreSQL (pid {}) left by a previous process still runs on {}: stopping it", server.pid(), dataDirectory);
        try {
            new ProcessBuilder(List.of("kill", "-INT", Long.toString(server.pid()))).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            if (!awaitExit(server, patience)) {
                server.destroyForcibly();
                awaitExit(server, patience);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL server", e);
        }
    }

    private static Optional<ProcessHandle> serverOf(Path pidFile) throws IOException {
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.endsWith("postgres")).orElse(false));
    }

    private static boolean awaitExit(ProcessHandle process, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return !process.isAlive();
    }
}
