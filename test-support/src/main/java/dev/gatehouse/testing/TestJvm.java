package dev.gatehouse.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of a JVM that a test starts beside itself (a second replica, an offline
 * verifier, Keycloak): this JVM's {@code java}, the JIT settings the build gives its test JVMs
 * ({@code gatehouse.test.jvm-options}, see the root pom), and this JVM's class path.
 */
public final class TestJvm {

    private TestJvm() {
    }

    /** The build's options for short-lived test JVMs; none when a test runs outside the build. */
    public static List<String> options() {
        String configured = System.getProperty("gatehouse.test.jvm-options", "").trim();
        return configured.isEmpty() ? List.of() : Arrays.asList(configured.split("\\s+"));
    }

    /** {@code java [options()] [jvmOptions] -cp <this class path> mainClass arguments...}: a JVM that boots and serves briefly. */
    public static List<String> command(List<String> jvmOptions, Class<?> mainClass, String... arguments) {
        List<String> withBuildOptions = new ArrayList<>(options());
        withBuildOptions.addAll(jvmOptions);
        return fullyCompiled(withBuildOptions, mainClass, arguments);
    }

    /** {@code java [jvmOptions] -cp <this class path> mainClass arguments...}: a JVM that computes for minutes, where C2 pays. */
    public static List<String> fullyCompiled(List<String> jvmOptions, Class<?> mainClass, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(arguments));
        return command;
    }
}
