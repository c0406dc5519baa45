package dev.gatehouse.standalone;

import dev.gatehouse.standalone.ConfigurationReference.Setting;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.ClassPathResource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md is the generated table of every setting, and this keeps it true: every
 * setting the code reads is in it with a meaning, nothing it lists is no longer read, every
 * {@code @ConfigurationProperties} class is covered, each environment variable really sets its
 * setting, and the committed page is what the code generates today.
 */
class ConfigurationReferenceTest {

    private static final Path PAGE = Path.of("..", "docs", "configuration.md");

    @Test
    void describesEverySettingTheCodeReads() throws Exception {
        List<String> undescribed = ConfigurationReference.settings().stream()
                .filter(setting -> setting.description().isBlank()).map(Setting::name).toList();

        assertThat(undescribed).as("describe these in META-INF/additional-spring-configuration-metadata.json of the module that reads"
                + " them, or in the javadoc of their @ConfigurationProperties class").isEmpty();
    }

    @Test
    void describesNoSettingTheCodeNoLongerReads() throws Exception {
        assertThat(ConfigurationReference.readByTheCode()).containsKeys(ConfigurationReference.documentedByHand().toArray(String[]::new));
    }

    @Test
    void coversEveryConfigurationPropertiesClass() throws Exception {
        List<Class<?>> propertiesClasses = ConfigurationReference.propertiesClasses();
        List<String> documented = ConfigurationReference.settings().stream().map(Setting::name).toList();

        assertThat(propertiesClasses).isNotEmpty();
        for (Class<?> type : propertiesClasses) {
            assertThat(type.isRecord()).as(type + " is a record, whose components are its settings").isTrue();
            String prefix = prefixOf(type);
            List<String> nested = propertiesClasses.stream().map(ConfigurationReferenceTest::prefixOf)
                    .filter(other -> other.startsWith(prefix + ".")).toList();
            assertThat(documented).as(type.getName())
                    .filteredOn(name -> name.startsWith(prefix + ".") && nested.stream().noneMatch(other -> name.startsWith(other + ".")))
                    .hasSize(type.getRecordComponents().length);
        }
    }

    private static String prefixOf(Class<?> propertiesClass) {
        return propertiesClass.getAnnotation(org.springframework.boot.context.properties.ConfigurationProperties.class).value();
    }

    /** With only the variable set (and application.yml below it, as in the packaged application), the setting has its value. */
    @Test
    void everyEnvironmentVariableSetsItsSetting() throws Exception {
        for (Setting setting : ConfigurationReference.settings()) {
            StandardEnvironment environment = new StandardEnvironment();
            environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of(setting.environmentVariable(), "from-the-environment")));
            new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
                    .forEach(environment.getPropertySources()::addLast);
            ConfigurationPropertySources.attach(environment);

            String value = setting.bound()
                    ? Binder.get(environment).bind(setting.name(), String.class).orElse(null)
                    : environment.getProperty(setting.name());

            assertThat(value).as(setting.environmentVariable() + " sets " + setting.name()).isEqualTo("from-the-environment");
        }
    }

    @Test
    void docsConfigurationMdIsWhatTheCodeGeneratesToday() throws Exception {
        String generated = ConfigurationReference.markdown(ConfigurationReference.settings());
        if (Boolean.getBoolean("gatehouse.update-docs")) {
            Files.writeString(PAGE, generated);
        }

        assertThat(Files.exists(PAGE) ? Files.readString(PAGE) : "")
                .as("docs/configuration.md is out of date: regenerate it with the command at its top")
                .isEqualTo(generated);
    }
}
