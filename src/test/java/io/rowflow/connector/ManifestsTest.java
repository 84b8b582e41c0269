package io.rowflow.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.declarative.Manifest;
import io.rowflow.connector.declarative.ManifestLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's check of connectors/: every folder is listed in the index, every manifest and metadata file validates
 * against its versioned schema, and a broken one is refused naming the file and the field.
 */
class ManifestsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void everyConnectorFolderIsIndexedAndValid() throws IOException {
        List<String> folders;
        try (Stream<Path> dirs = Files.list(Path.of("connectors"))) {
            folders = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(ManifestLoader.index()).containsExactlyInAnyOrderElementsOf(folders);
        assertThat(ManifestLoader.loadAll()).hasSize(folders.size());
    }

    @Test
    void aBrokenManifestIsRefusedNamingTheField() throws IOException {
        ObjectNode manifest = (ObjectNode) YAML.readTree(Path.of("connectors/hubspot/manifest.yaml").toFile());
        JsonNode metadata = YAML.readTree(Path.of("connectors/hubspot/metadata.yaml").toFile());
        ((ObjectNode) manifest.get("streams").get(0)).putObject("paginator").put("type", "cursor"); // no cursor_path
        manifest.put("base_url", "https://evil.example.com");
        ConfigSchema manifestSchema = ConfigSchema.of(new ObjectMapper().readTree(Path.of("connectors/manifest.schema.json")
                .toFile()));
        ConfigSchema metadataSchema = ConfigSchema.of(new ObjectMapper().readTree(Path.of("connectors/metadata.schema.json")
                .toFile()));
        assertThat(manifestSchema.errors(manifest, "manifest.yaml")).extracting(e -> e.field())
                .anyMatch(f -> f.startsWith("manifest.yaml.streams[0].paginator"));
        ObjectNode fixed = manifest.deepCopy();
        ((ObjectNode) fixed.get("streams").get(0)).putObject("paginator").put("type", "none");
        assertThatThrownBy(() -> ManifestLoader.load("hubspot", metadata, fixed,
                metadataSchema, manifestSchema)).hasMessageContaining("connectors/hubspot/")
                .hasMessageContaining("evil.example.com is not in allowed_hosts");
    }

    @Test
    void aPickerMustFillAndDependOnSettingsOfTheConnectionForm() throws IOException {
        ObjectNode manifest = (ObjectNode) YAML.readTree(Path.of("connectors/airtable/manifest.yaml").toFile());
        JsonNode metadata = YAML.readTree(Path.of("connectors/airtable/metadata.yaml").toFile());
        ConfigSchema manifestSchema = ConfigSchema.of(new ObjectMapper().readTree(Path.of("connectors/manifest.schema.json")
                .toFile()));
        ConfigSchema metadataSchema = ConfigSchema.of(new ObjectMapper().readTree(Path.of("connectors/metadata.schema.json")
                .toFile()));
        assertThat(ManifestLoader.load("airtable", metadata, manifest, metadataSchema, manifestSchema).pickers())
                .extracting(Manifest.Picker::setting).containsExactly("base_id", "table", "view");
        ((ObjectNode) manifest.get("pickers").get(1)).putArray("depends_on").add("workspace_id");
        assertThatThrownBy(() -> ManifestLoader.load("airtable", metadata, manifest, metadataSchema, manifestSchema))
                .hasMessageContaining("connectors/airtable/")
                .hasMessageContaining("manifest.yaml.pickers: the setting workspace_id is not a property of spec");
    }

    @Test
    void metadataDrawsThePickerTileAndAColourThatIsNotOneIsRefused() throws IOException {
        Map<String, Manifest> manifests = ManifestLoader.loadAll().stream()
                .collect(Collectors.toMap(Manifest::id, m -> m));
        assertThat(manifests.get("hubspot").brandColor()).isEqualTo("#FF7A59");
        assertThat(manifests.get("hubspot").monogram()).isNull();
        assertThat(manifests.get("jira").brandColor()).isEqualTo("#0052CC");
        assertThat(manifests.get("jira").monogram()).isEqualTo("J");

        ObjectNode metadata = (ObjectNode) YAML.readTree(Path.of("connectors/hubspot/metadata.yaml").toFile());
        metadata.put("brand_color", "orange").put("monogram", "HUBS");
        JsonNode manifest = YAML.readTree(Path.of("connectors/hubspot/manifest.yaml").toFile());
        ConfigSchema manifestSchema = ConfigSchema.of(new ObjectMapper().readTree(Path.of("connectors/manifest.schema.json")
                .toFile()));
        ConfigSchema metadataSchema = ConfigSchema.of(new ObjectMapper().readTree(Path.of("connectors/metadata.schema.json")
                .toFile()));
        assertThatThrownBy(() -> ManifestLoader.load("hubspot", metadata, manifest, metadataSchema, manifestSchema))
                .hasMessageContaining("brand_color").hasMessageContaining("monogram");
    }
}
