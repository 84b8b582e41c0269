package io.rowflow.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.schema.ConfigSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The catalog entry as JSON: the picker tile's fields are added beside the ones clients already read, none renamed. */
class ConnectorDescriptorTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theTileIsAddedToTheCatalogEntryAndKeptThroughTheSignInCheck() {
        ConnectorDescriptor jira = new ConnectorDescriptor("jira", "Jira Cloud", "project-management", "basic", null,
                List.of("issues"), List.of("issues"), true).withBrand("#0052CC", "J").withSignInSetUp(true);
        JsonNode json = JSON.valueToTree(jira);
        assertThat(json.get("brandColor").asText()).isEqualTo("#0052CC");
        assertThat(json.get("monogram").asText()).isEqualTo("J");
        assertThat(json.get("oauthSignInSetUp").asBoolean()).isTrue();
        assertThat(json.fieldNames()).toIterable().containsExactly("id", "name", "category", "authType", "configSchema",
                "streams", "incrementalStreams", "oauthSignIn", "oauthSignInSetUp", "brandColor", "monogram",
                "settingsBeforeSignIn", "pickers");
        assertThat(json.get("pickers").isEmpty()).isTrue();
    }

    @Test
    void pickersAreKeptThroughTheTileTheSignInCheckAndTheSettingsBeforeIt() {
        io.rowflow.writer.WriterDescriptor.Picker base = io.rowflow.writer.WriterDescriptor.Picker.ofSource("airtable",
                "base_id", "Base", List.of());
        ConnectorDescriptor airtable = new ConnectorDescriptor("airtable", "Airtable", "database", "bearer", null,
                List.of("records"), List.of(), true).withPickers(List.of(base)).withBrand("#FCB400", "A")
                .withSignInSetUp(true).withSettingsBeforeSignIn(List.of());
        assertThat(airtable.pickers()).containsExactly(base);
        assertThat(base.endpoint()).isEqualTo("/api/v1/connectors/airtable/pickers/base_id");
    }

    @Test
    void aJavaConnectorsTileComesFromItsSettingsSchema() {
        for (String resource : List.of("schemas/csv-url.json", "schemas/json-url.json", "schemas/google-sheets.json",
                "schemas/xlsx.json")) {
            JsonNode schema = ConfigSchema.fromResource(resource).document();
            ConnectorDescriptor descriptor = new ConnectorDescriptor("x", "X", "files", "none", schema, List.of());
            assertThat(descriptor.brandColor()).as(resource).matches("#[0-9A-Fa-f]{6}");
            assertThat(descriptor.monogram()).as(resource).satisfiesAnyOf(m -> assertThat(m).isNull(),
                    m -> assertThat(m).hasSizeBetween(1, 3));
        }
        JsonNode csv = ConfigSchema.fromResource("schemas/csv-url.json").document();
        assertThat(new ConnectorDescriptor("csv-url", "CSV from URL", "files", "none", csv, List.of()).monogram())
                .isEqualTo("CSV");
    }

    @Test
    void aConnectorWithoutATileSaysNull() {
        JsonNode json = JSON.valueToTree(new ConnectorDescriptor("x", "X", "other", "none", null, List.of()));
        assertThat(json.get("brandColor").isNull()).isTrue();
        assertThat(json.get("monogram").isNull()).isTrue();
    }
}
