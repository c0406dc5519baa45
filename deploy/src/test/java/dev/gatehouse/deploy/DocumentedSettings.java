package dev.gatehouse.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variables docs/configuration.md lists, which the application reads (the page is
 * generated from the code and checked against it by standalone's ConfigurationReferenceTest): a
 * deployment that sets any other {@code GATEHOUSE_} variable sets something nothing reads.
 */
final class DocumentedSettings {

    private static final Path PAGE = Path.of("..", "docs", "configuration.md");
    private static final Pattern VARIABLE = Pattern.compile("`(GATEHOUSE_[A-Z0-9_]+)`");

    private DocumentedSettings() {
    }

    static Set<String> environmentVariables() throws IOException {
        Set<String> variables = new TreeSet<>();
        Matcher variable = VARIABLE.matcher(Files.readString(PAGE));
        while (variable.find()) {
            variables.add(variable.group(1));
        }
        return variables;
    }

    /** Of {@code names}, the Gatehouse variables the application does not read. */
    static Set<String> unread(Iterable<String> names) throws IOException {
        Set<String> documented = environmentVariables();
        Set<String> unread = new TreeSet<>();
        for (String name : names) {
            if (name.startsWith("GATEHOUSE_") && !documented.contains(name)) {
                unread.add(name);
            }
        }
        return unread;
    }
}
