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

    @Test
    void anIncrementalBodyIsMergedOverTheStreamsBodyOnlyWhenReadingChanges() throws Exception {
        var body = YAML.readTree("{query: 'query($q: String) { orders(query: $q) { id } }', variables: {first: 100}}");
        var incremental = YAML.readTree("{since_format: \"yyyy-MM-dd'T'HH:mm:ssX\","
                + " body: {variables: {q: \"updated_at:>='{{since}}'\"}}}");
        var config = YAML.readTree("{}");
        assertThat(Templates.body(body, config, null, incremental)).as("a full read sends the body as written")
                .isEqualTo(body);
        assertThat(Templates.body(body, config, Instant.parse("2026-01-01T00:00:00Z"), incremental))
                .isEqualTo(YAML.readTree("{query: 'query($q: String) { orders(query: $q) { id } }',"
                        + " variables: {first: 100, q: \"updated_at:>='2026-01-01T00:00:00Z'\"}}"));
        assertThat(body.get("variables").has("q")).as("the manifest's tree is left as it is").isFalse();
        assertThat(Templates.merge(YAML.readTree("{a: [1, 2], b: {c: 1}}"), YAML.readTree("{a: [3], b: 2}")))
                .isEqualTo(YAML.readTree("{a: [3], b: 2}"));
    }
}
