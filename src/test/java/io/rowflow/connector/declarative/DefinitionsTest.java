package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.common.error.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code definitions} and {@code $ref} in manifests: a copy in place, keys beside it win, mistakes named. */
class DefinitionsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    @Test
    void aReferenceBecomesACopyOfItsDefinitionWithTheKeysBesideItWinning() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        JsonNode resolved = Definitions.resolve(yaml("""
                definitions:
                  pages: {type: cursor, cursor_path: next, param: after}
                  listing: {method: POST, paginator: {$ref: "#/definitions/pages"}, records: results}
                spec: {type: object, properties: {a: {$ref: "#/definitions/pages"}}}
                streams:
                  - {$ref: "#/definitions/listing", name: one, path: /one}
                  - {$ref: "#/definitions/listing", name: two, path: /two, records: items}
                """), "manifest.yaml", errors);
        assertThat(errors).isEmpty();
        assertThat(resolved.has("definitions")).isFalse();
        assertThat(resolved.get("streams")).isEqualTo(yaml("""
                - {method: POST, paginator: {type: cursor, cursor_path: next, param: after}, records: results,
                   name: one, path: /one}
                - {method: POST, paginator: {type: cursor, cursor_path: next, param: after}, records: items,
                   name: two, path: /two}
                """));
        // The connection form is a JSON Schema: its $refs are its own.
        assertThat(resolved.at("/spec/properties/a/$ref").asText()).isEqualTo("#/definitions/pages");
    }

    @Test
    void anUnknownOrCircularReferenceIsRefusedNamingWhereItIs() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        Definitions.resolve(yaml("""
                definitions:
                  a: {x: {$ref: "#/definitions/b"}}
                  b: {y: {$ref: "#/definitions/a"}}
                streams:
                  - {name: one, paginator: {$ref: "#/definitions/missing"}}
                  - {name: two, body: {$ref: "#/definitions/a"}}
                """), "manifest.yaml", errors);
        assertThat(errors).extracting(FieldError::field).contains("manifest.yaml.streams[0].paginator.$ref");
        assertThat(errors).extracting(FieldError::message).anyMatch(m -> m.contains("\"#/definitions/missing\" names"
                + " no definition")).anyMatch(m -> m.contains("refers back to itself"));
    }
}
