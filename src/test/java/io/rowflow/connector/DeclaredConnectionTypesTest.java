package io.rowflow.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.http.Origin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Connection types declared in YAML: what an entry gives, and a mistake failing start-up with where it is. */
class DeclaredConnectionTypesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static JsonNode entry(String yaml) throws Exception {
        return YAML.readTree(yaml);
    }

    @Test
    void anEntryGivesTheTypeItsSignInSecretsAndOrigin() throws Exception {
        DeclaredConnectionTypes.Declared type = DeclaredConnectionTypes.declared(entry("""
                id: acme
                name: Acme account
                category: crm
                auth: oauth
                origin_setting: site
                oauth: {authorize_url: "https://login.acme.example/authorize", token_url: "https://login.acme.example/token", pkce: true}
                scopes: [read, write]
                spec:
                  type: object
                  properties:
                    site: {type: string, format: uri}
                    refresh_token: {type: string, writeOnly: true}
                """), "test");
        assertThat(type.descriptor().id()).isEqualTo("acme");
        assertThat(type.descriptor().oauthSignIn()).isTrue();
        assertThat(type.oauth()).hasValueSatisfying(o -> assertThat(o.get("pkce").asBoolean()).isTrue());
        assertThat(type.oauthScopes()).containsExactly("read", "write");
        assertThat(type.schema().secretFields()).containsExactly("refresh_token");
        assertThat(type.origin(YAML.valueToTree(Map.of("site", "https://eu.acme.example/x"))))
                .isEqualTo(Origin.parse("https://eu.acme.example/"));
        assertThat(DeclaredConnectionTypes.load()).extracting(t -> t.descriptor().id()).contains("test-ledger-account");
    }

    @Test
    void aMistakeNamesTheEntry() throws Exception {
        for (Map.Entry<String, String> bad : Map.of(
                "id: a\nname: A\ncategory: x\nauth: key\n", "\"spec\" is the JSON Schema",
                "id: a\nname: A\ncategory: x\nauth: magic\nspec: {type: object}\n", "auth is one of",
                "id: a\nname: A\ncategory: x\nauth: oauth\nspec: {type: object}\n", "declares its \"oauth\" endpoints",
                "name: A\ncategory: x\nauth: key\nspec: {type: object}\n", "\"id\" is required").entrySet()) {
            assertThatThrownBy(() -> DeclaredConnectionTypes.declared(entry(bad.getKey()), "types.yaml entry 3"))
                    .hasMessageStartingWith("types.yaml entry 3: ").hasMessageContaining(bad.getValue());
        }
    }
}
