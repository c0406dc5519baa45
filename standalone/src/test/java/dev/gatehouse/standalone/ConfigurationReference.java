package dev.gatehouse.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.classreading.CachingMetadataReaderFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The settings Gatehouse reads, gathered from the code itself, so that docs/configuration.md
 * cannot miss one: every {@code @Value} placeholder, {@code @ConditionalOnProperty} and
 * {@code @ConfigurationProperties} record in the main classes of the {@code dev.gatehouse}
 * modules, and every key of the standalone {@code application.yml} bound to an environment
 * variable. Meanings come from the configuration metadata on the class path
 * ({@code META-INF/spring-configuration-metadata.json}, written by the configuration processor, and
 * the modules' {@code additional-spring-configuration-metadata.json}); defaults from
 * {@code application.yml}, else from the code.
 */
final class ConfigurationReference {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One setting.
     *
     * @param bound whether a {@code @ConfigurationProperties} class binds it (its environment
     *              variable then follows Boot's binding rule: dashes removed), else it is looked up
     *              by name (dots and dashes become underscores)
     */
    record Setting(String name, String environmentVariable, String defaultValue, String description, boolean bound) {
    }

    /** What the code reads: a setting's name, the default written in the code (if any), whether it is bound. */
    record CodeSetting(String name, Optional<String> codeDefault, boolean bound) {
    }

    private ConfigurationReference() {
    }

    static List<Setting> settings() throws IOException {
        Map<String, CodeSetting> read = readByTheCode();
        Map<String, String> applicationYml = applicationYml();
        Map<String, String> descriptions = descriptions();
        Map<String, Setting> settings = new TreeMap<>();
        for (CodeSetting setting : read.values()) {
            settings.put(setting.name(), setting(setting.name(), setting.codeDefault(), setting.bound(), applicationYml, descriptions));
        }
        applicationYml.forEach((name, value) -> {
            if (!settings.containsKey(name) && PLACEHOLDER.matcher(value).matches()) {
                settings.put(name, setting(name, Optional.empty(), false, applicationYml, descriptions));
            }
        });
        return List.copyOf(settings.values());
    }

    private static Setting setting(String name, Optional<String> codeDefault, boolean bound, Map<String, String> applicationYml,
                                   Map<String, String> descriptions) {
        String environmentVariable = (bound ? name.replace("-", "") : name.replace('-', '_')).replace('.', '_').toUpperCase(java.util.Locale.ROOT);
        String defaultValue = codeDefault.orElse("");
        String configured = applicationYml.get(name);
        if (configured != null) {
            Matcher placeholder = PLACEHOLDER.matcher(configured);
            if (placeholder.matches()) {
                environmentVariable = placeholder.group(1);
                defaultValue = placeholder.group(2) == null ? "" : placeholder.group(2);
            } else {
                defaultValue = configured;
            }
        }
        return new Setting(name, environmentVariable, defaultValue, descriptions.getOrDefault(name, ""), bound);
    }

    /** The settings the main classes of the {@code dev.gatehouse} modules read. */
    static Map<String, CodeSetting> readByTheCode() throws IOException {
        Map<String, CodeSetting> settings = new TreeMap<>();
        for (Class<?> type : mainClasses()) {
            Stream.of(type.getDeclaredConstructors(), type.getDeclaredMethods()).flatMap(Stream::of).forEach(executable -> {
                placeholders(executable, settings);
                for (Parameter parameter : executable.getParameters()) {
                    placeholders(parameter, settings);
                }
                conditions(executable, settings);
            });
            Stream.of(type.getDeclaredFields()).forEach(field -> placeholders(field, settings));
            conditions(type, settings);
            ConfigurationProperties properties = type.getAnnotation(ConfigurationProperties.class);
            if (properties != null && type.isRecord()) {
                boundRecord(type, properties.prefix().isEmpty() ? properties.value() : properties.prefix(), settings);
            }
        }
        return settings;
    }

    /** The {@code @ConfigurationProperties} classes among the main classes. */
    static List<Class<?>> propertiesClasses() throws IOException {
        return mainClasses().stream().filter(type -> type.isAnnotationPresent(ConfigurationProperties.class)).toList();
    }

    private static void placeholders(AnnotatedElement element, Map<String, CodeSetting> settings) {
        Value value = element.getAnnotation(Value.class);
        if (value == null) {
            return;
        }
        Matcher placeholder = PLACEHOLDER.matcher(value.value());
        while (placeholder.find()) {
            settings.merge(placeholder.group(1), new CodeSetting(placeholder.group(1), Optional.ofNullable(placeholder.group(2)), false),
                    (first, second) -> first.codeDefault().isPresent() ? first : second);
        }
    }

    private static void conditions(AnnotatedElement element, Map<String, CodeSetting> settings) {
        ConditionalOnProperty condition = element.getAnnotation(ConditionalOnProperty.class);
        if (condition == null) {
            return;
        }
        String prefix = condition.prefix().isEmpty() ? "" : condition.prefix() + ".";
        for (String name : condition.name().length > 0 ? condition.name() : condition.value()) {
            Optional<String> missing = condition.matchIfMissing() ? Optional.of(condition.havingValue()) : Optional.empty();
            settings.merge(prefix + name, new CodeSetting(prefix + name, missing, false),
                    (first, second) -> first.codeDefault().isPresent() ? first : second);
        }
    }

    /** A record's components, each a setting, with the defaults the record gives when nothing is configured. */
    private static void boundRecord(Class<?> type, String prefix, Map<String, CodeSetting> settings) {
        Object defaults = new Binder(List.of()).bindOrCreate(prefix, type);
        for (RecordComponent component : type.getRecordComponents()) {
            String name = prefix + "." + kebabCase(component.getName());
            try {
                Object value = component.getAccessor().invoke(defaults);
                settings.put(name, new CodeSetting(name, Optional.ofNullable(value).map(ConfigurationReference::written), true));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + name + " from " + type.getName(), e);
            }
        }
    }

    /** As a value is written in configuration: durations as 2s or 250ms. */
    private static String written(Object value) {
        if (value instanceof Duration duration) {
            return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
        }
        return value.toString();
    }

    private static String kebabCase(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** Main classes only: tests may read settings of their own. */
    private static List<Class<?>> mainClasses() throws IOException {
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        CachingMetadataReaderFactory readers = new CachingMetadataReaderFactory(resolver);
        List<Class<?>> classes = new ArrayList<>();
        for (Resource resource : resolver.getResources("classpath*:dev/gatehouse/**/*.class")) {
            String location = resource.getURL().toString();
            if (location.contains("/test-classes/") || location.contains("-tests.jar!")) {
                continue;
            }
            String className = readers.getMetadataReader(resource).getClassMetadata().getClassName();
            try {
                classes.add(Class.forName(className, false, ConfigurationReference.class.getClassLoader()));
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load " + className + " to read its settings", e);
            }
        }
        classes.sort(Comparator.comparing(Class::getName));
        return classes;
    }

    /** The standalone application.yml, flattened to setting names and their raw values. */
    static Map<String, String> applicationYml() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))) {
            EnumerablePropertySource<?> enumerable = (EnumerablePropertySource<?>) source;
            for (String name : enumerable.getPropertyNames()) {
                values.put(name, String.valueOf(enumerable.getProperty(name)));
            }
        }
        return values;
    }

    /** Every setting's meaning found in the configuration metadata on the class path (Boot's own included). */
    static Map<String, String> descriptions() throws IOException {
        Map<String, String> descriptions = new TreeMap<>();
        PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
        for (String file : List.of("spring-configuration-metadata.json", "additional-spring-configuration-metadata.json")) {
            for (Resource resource : resolver.getResources("classpath*:META-INF/" + file)) {
                try (InputStream in = resource.getInputStream()) {
                    for (JsonNode property : JSON.readTree(in).path("properties")) {
                        String description = property.path("description").asText("");
                        if (!description.isBlank()) {
                            descriptions.putIfAbsent(property.path("name").asText(), description.replaceAll("\\s+", " ").strip());
                        }
                    }
                }
            }
        }
        return descriptions;
    }

    /** The settings Gatehouse's own additional metadata documents (those are written by hand, and could go stale). */
    static List<String> documentedByHand() throws IOException {
        List<String> names = new ArrayList<>();
        for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath*:META-INF/additional-spring-configuration-metadata.json")) {
            try (InputStream in = resource.getInputStream()) {
                for (JsonNode property : JSON.readTree(in).path("properties")) {
                    String name = property.path("name").asText();
                    if (name.startsWith("gatehouse.")) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    /** Javadoc @param texts start in lower case and end without a full stop. */
    private static String sentence(String description) {
        String capitalised = Character.toUpperCase(description.charAt(0)) + description.substring(1);
        return capitalised.endsWith(".") ? capitalised : capitalised + ".";
    }

    /** docs/configuration.md. */
    static String markdown(List<Setting> settings) {
        StringBuilder page = new StringBuilder("""
                # Configuration reference

                <!-- Generated from the code by ConfigurationReferenceTest (standalone); do not edit. To regenerate:
                     ./mvnw -B -pl standalone -am verify -Dtest=ConfigurationReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dgatehouse.update-docs=true -->

                Every setting Gatehouse reads. Give one as a command-line argument (`./gatehouse --gatehouse.data-dir=/srv/gatehouse`),
                as the environment variable beside it, or in an `application.yml` in the working directory. A default marked as
                empty means the setting is off or unset until given. Durations are written `250ms`, `2s`, `5m`.

                Read from the environment only: `GATEHOUSE_MASTER_SECRET`, the secret protecting the local tenant key store
                (otherwise a random one is generated once into `<data-dir>/keys/master-secret`, owner-only: fine on a laptop, not
                in production).

                | setting | environment variable | default | meaning |
                |---|---|---|---|
                """);
        for (Setting setting : settings) {
            page.append("| `").append(setting.name()).append("` | `").append(setting.environmentVariable()).append("` | ")
                    .append(setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`").append(" | ")
                    .append(sentence(setting.description()).replace("|", "\\|")).append(" |\n");
        }
        return page.toString();
    }
}
