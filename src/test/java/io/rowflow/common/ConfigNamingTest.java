package io.rowflow.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rowflow's own settings are kebab-case under "rowflow.", one @ConfigMapping per feature. */
class ConfigNamingTest {
    static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)");

    @Test
    void applicationPropertiesUseKebabCaseKeys() throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        List<String> rowflowKeys = properties.stringPropertyNames().stream()
                .map(key -> key.replaceFirst("^%[^.]+\\.", ""))
                .filter(key -> key.startsWith("rowflow."))
                .toList();
        assertThat(rowflowKeys).isNotEmpty();
        for (String key : rowflowKeys) {
            for (String part : key.split("\\.")) {
                assertThat(KEBAB.matcher(part).matches()).as("%s is kebab-case", key).isTrue();
            }
        }
    }

    @Test
    void everyConfigMappingLivesUnderRowflowAndOnlyOncePerPrefix() throws IOException {
        List<String> prefixes;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            prefixes = files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    Matcher m = MAPPING.matcher(Files.readString(p));
                    return m.find() ? Stream.of(m.group(1)) : Stream.empty();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
        assertThat(prefixes).isNotEmpty().doesNotHaveDuplicates().allMatch(p -> p.startsWith("rowflow."));
    }
}
