package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.common.error.FieldError;
import io.rowflow.common.schema.ConfigSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads the declarative connectors shipped in the application ({@code connectors/index.txt} lists their folders) and
 * checks each against the versioned JSON Schemas. A manifest that does not validate stops the start-up with the file
 * and the field at fault; the same check runs in the build (ManifestsTest).
 */
public final class ManifestLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private ManifestLoader() {
    }

    public static List<Manifest> loadAll() {
        ConfigSchema manifestSchema = ConfigSchema.of(read("connectors/manifest.schema.json", JSON));
        ConfigSchema metadataSchema = ConfigSchema.of(read("connectors/metadata.schema.json", JSON));
        List<Manifest> manifests = new ArrayList<>();
        for (String id : index()) {
            manifests.add(load(id, read("connectors/" + id + "/metadata.yaml", YAML),
                    read("connectors/" + id + "/manifest.yaml", YAML), metadataSchema, manifestSchema));
        }
        return manifests;
    }

    /** The connector folders, one per line of connectors/index.txt. */
    public static List<String> index() {
        try (InputStream in = resource("connectors/index.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks one connector and reads it: its {@code definitions} are put in place of their {@code $ref}s first, so the
     * schema checks (and the engine reads) the manifest as written out in full.
     */
    public static Manifest load(String folder, JsonNode metadata, JsonNode written, ConfigSchema metadataSchema,
            ConfigSchema manifestSchema) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode manifest = Definitions.resolve(written, "manifest.yaml", errors);
        boolean resolved = errors.isEmpty();
        errors.addAll(metadataSchema.errors(metadata, "metadata.yaml"));
        if (resolved) {
            errors.addAll(manifestSchema.errors(manifest, "manifest.yaml"));
        }
        if (errors.isEmpty() && !folder.equals(metadata.get("id").asText())) {
            errors.add(new FieldError("metadata.yaml.id", "must be the folder's name, \"" + folder + "\""));
        }
        if (errors.isEmpty()) {
            Manifest parsed = Manifest.of(metadata, manifest);
            // A placeholder (a customer's site) stands for any name: the host must still fall under allowed_hosts.
            String host = java.net.URI.create(Templates.sample(manifest.get("base_url").asText())).getHost();
            if (!parsed.allows(host)) {
                errors.add(new FieldError("manifest.yaml.base_url", "its host " + host + " is not in allowed_hosts"));
            }
            if (manifest.has("oauth")) {
                JsonNode oauth = manifest.get("oauth");
                Map<String, String> addresses = new java.util.LinkedHashMap<>();
                // Rowflow itself calls the token URL (the browser, not Rowflow, goes to the authorize URL): a shop's
                // own host (https://{{config.shop}}.myshopify.com/…) must fall under allowed_hosts.
                addresses.put("token_url", Templates.sample(oauth.get("token_url").asText()));
                // An address the token answer names (Pipedrive's api_domain) is known only at sign-in: it is checked
                // against allowed_hosts then, at each refresh and at every read.
                if (oauth.has("base_url") && !Templates.startsWithSettingOf(oauth.get("base_url").asText(),
                        tokenFields(oauth))) {
                    addresses.put("base_url", Templates.sample(oauth.get("base_url").asText()));
                }
                for (String setting : tokenFields(oauth)) {
                    if (!manifest.get("spec").path("properties").has(setting)) {
                        errors.add(new FieldError("manifest.yaml.oauth.token_fields", "the setting " + setting
                                + " is not a property of spec"));
                    }
                }
                if (oauth.has("resources")) {
                    addresses.put("resources.url", oauth.get("resources").get("url").asText());
                }
                addresses.forEach((field, address) -> {
                    String oauthHost = java.net.URI.create(address).getHost();
                    if (!parsed.allows(oauthHost)) {
                        errors.add(new FieldError("manifest.yaml.oauth." + field, "its host " + oauthHost
                                + " is not in allowed_hosts"));
                    }
                });
            }
            // A picker fills a setting the connection form has, from settings it has.
            for (Manifest.Picker picker : parsed.pickers()) {
                List<String> named = new ArrayList<>(picker.dependsOn());
                named.add(0, picker.setting());
                for (String setting : named) {
                    if (!manifest.get("spec").path("properties").has(setting)) {
                        errors.add(new FieldError("manifest.yaml.pickers", "the setting " + setting
                                + " is not a property of spec"));
                    }
                }
            }
            try {
                ConfigSchema.of(manifest.get("spec"));
            } catch (RuntimeException e) {
                errors.add(new FieldError("manifest.yaml.spec", "not a usable JSON Schema: " + e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("The connector in connectors/" + folder + "/ is invalid: " + errors.stream()
                    .map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")));
        }
        return Manifest.of(metadata, manifest);
    }

    /** The settings an OAuth section keeps from the token answer ({@code token_fields}' values). */
    private static List<String> tokenFields(JsonNode oauth) {
        List<String> settings = new ArrayList<>();
        oauth.path("token_fields").forEach(n -> settings.add(n.asText()));
        return settings;
    }

    /** Checks and reads a connector kept outside connectors/ (a test's), from its two parsed files. */
    public static Manifest load(String folder, JsonNode metadata, JsonNode manifest) {
        return load(folder, metadata, manifest, ConfigSchema.of(read("connectors/metadata.schema.json", JSON)),
                ConfigSchema.of(read("connectors/manifest.schema.json", JSON)));
    }

    private static JsonNode read(String resource, ObjectMapper mapper) {
        try (InputStream in = resource(resource)) {
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable " + resource + ": " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name);
        if (in == null) {
            in = ManifestLoader.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
            throw new IllegalStateException("Missing " + name + " on the class path");
        }
        return in;
    }
}
