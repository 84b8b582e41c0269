package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.common.error.DataException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Placeholders: a date setting written as the API reads dates, a partition's value in a parameter, since formats. */
class TemplatesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void aDateSettingIsWrittenInTheFormatItNames() throws Exception {
        var config = YAML.readTree("{from: '2017-12-01', at: '2017-12-01T09:30:00+01:00', empty: '', site: acme}");
        assertThat(Templates.config("{{config.from | epoch_seconds}}", config)).isEqualTo("1512086400");
        assertThat(Templates.config("{{config.at|epoch_seconds}}", config)).isEqualTo("1512117000");
        assertThat(Templates.config("{{config.from | epoch_millis}}", config)).isEqualTo("1512086400000");
        assertThat(Templates.config("{{config.at | yyyy/MM/dd HH:mm}}", config)).isEqualTo("2017/12/01 08:30");
        assertThat(Templates.config("{{config.empty | epoch_seconds}}", config)).as("empty stays empty").isEmpty();
        assertThat(Templates.config("https://{{config.site}}.example.com", config))
                .isEqualTo("https://acme.example.com");
        assertThat(Templates.settingsNamed("{{config.from | epoch_seconds}}")).containsExactly("from");
        assertThatThrownBy(() -> Templates.config("{{config.site | epoch_seconds}}", config))
                .isInstanceOf(DataException.class).hasMessageContaining("The setting site (\"acme\") is not a date");
    }

    @Test
    void aPartitionsValueFillsAParameterAndEmptySettingsAreKnownAsFilledIn() {
        assertThat(Templates.partition("{{partition}}", "C012AB3CD")).isEqualTo("C012AB3CD");
        assertThat(Templates.partition("{{partition}}", null)).isEqualTo("{{partition}}");
        assertThat(Templates.fillsIn("{{config.messages_from | epoch_seconds}}")).isTrue();
        assertThat(Templates.fillsIn("200")).isFalse();
    }

    @Test
    void sinceCanBeUnixSeconds() throws Exception {
        var incremental = YAML.readTree("{since_format: epoch_seconds}");
        assertThat(Templates.text("{{since}}", YAML.readTree("{}"), Instant.parse("2023-03-17T22:02:19Z"),
                incremental)).isEqualTo("1679090539");
    }
}
