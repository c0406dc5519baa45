package dev.gatehouse.standalone;

import dev.gatehouse.gateway.metering.AsyncBatchWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

import java.util.List;

/**
 * How the process ends when asked to (SIGTERM from Kubernetes, systemd or {@code docker stop};
 * SIGINT from Ctrl-C): the application closes gracefully — readiness turns DOWN, the server
 * accepts no more connections, in-flight calls and streams get
 * {@code spring.lifecycle.timeout-per-shutdown-phase} to finish, then the usage writer and the audit
 * journal (logged content included) write what they hold — and the process exits with 0 when every record was written, 1
 * when some were not (each writer logs how many). The JVM's own handling of the signal would run
 * the same close from its shutdown hook, but always exit with 143, hiding whether records were lost.
 */
final class GracefulTermination {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulTermination.class);

    private GracefulTermination() {
    }

    /** Takes over SIGTERM and SIGINT for this process; only the application's main method calls it. */
    static void onSignals(ConfigurableApplicationContext application) {
        List<AsyncBatchWriter<?>> writers = application.getBeanProvider(AsyncBatchWriter.class).stream()
                .<AsyncBatchWriter<?>>map(writer -> writer).toList();
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> System.exit(close(application, writers, "SIG" + signal.getName())));
        }
    }

    /** Closes the application and returns the exit status: 0 when every record submitted to a writer was written. */
    static int close(ConfigurableApplicationContext application, List<AsyncBatchWriter<?>> writers, String reason) {
        LOG.info("{}: stopping gracefully (in-flight calls finish, records are written)", reason);
        application.close();
        long unwritten = writers.stream().mapToLong(AsyncBatchWriter::unwrittenCount).sum();
        if (unwritten > 0) {
            LOG.error("stopped with {} usage, audit or content records not written", unwritten);
            return 1;
        }
        LOG.info("stopped: every record was written");
        return 0;
    }
}
