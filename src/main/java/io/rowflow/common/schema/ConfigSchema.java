package io.rowflow.common.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.rowflow.common.error.FieldError;
import io.rowflow.common.error.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON Schema (2020-12) of a connector's or writer's settings: served to clients as is, and used to validate what
 * they send, with the field path of each error. Top-level properties marked {@code writeOnly} are secrets.
 */
public final class ConfigSchema {
    /** The longest URL a setting may hold (what browsers and servers commonly accept); longer ones are refused. */
    public static final int URL_MAX = 2048;
    private static final Set<String> URL_FORMATS = Set.of("uri", "uri-reference", "iri", "iri-reference");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private final JsonNode document;
    private final JsonSchema schema;
    private final Set<String> secretFields;

    private ConfigSchema(JsonNode document) {
        this.document = document;
        this.schema = FACTORY.getSchema(document, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        Set<String> secrets = new TreeSet<>();
        document.path("properties").fields().forEachRemaining(p -> {
            if (p.getValue().path("writeOnly").asBoolean(false)) {
                secrets.add(p.getKey());
            }
        });
        this.secretFields = Set.copyOf(secrets);
    }

    /** A schema given as a document (a connector manifest's connection settings). */
    public static ConfigSchema of(JsonNode document) {
        return new ConfigSchema(document);
    }

    /** Loads a schema from the class path; a missing or broken schema is a build error, so it fails loudly. */
    public static ConfigSchema fromResource(String resource) {
        try (InputStream in = ConfigSchema.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing schema resource " + resource);
            }
            return new ConfigSchema(MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable schema resource " + resource, e);
        }
    }

    public JsonNode document() {
        return document;
    }

    public Set<String> secretFields() {
        return secretFields;
    }

    /** Fills in the schema's top-level defaults where {@code config} has no value. */
    public ObjectNode withDefaults(JsonNode config) {
        ObjectNode result = config != null && config.isObject() ? ((ObjectNode) config).deepCopy() : MAPPER.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> properties = document.path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            JsonNode defaultValue = property.getValue().get("default");
            if (defaultValue != null && !result.has(property.getKey())) {
                result.set(property.getKey(), defaultValue.deepCopy());
            }
        }
        return result;
    }

    /** Throws a 422 listing every invalid field, each path prefixed with {@code prefix} (e.g. {@code config}). */
    public void validate(JsonNode value, String prefix) {
        List<FieldError> errors = errors(value, prefix);
        if (!errors.isEmpty()) {
            throw InvalidInputException.of(errors);
        }
    }

    public List<FieldError> errors(JsonNode value, String prefix) {
        List<FieldError> tooLong = tooLongUrls(value, prefix);
        if (!tooLong.isEmpty()) {
            return tooLong; // not handed to the validator: a 100 KB string is refused by its length alone
        }
        Set<ValidationMessage> messages = schema.validate(value == null ? MAPPER.createObjectNode() : value);
        return messages.stream().map(m -> new FieldError(path(prefix, m), message(m)))
                .distinct()
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::message))
                .toList();
    }

    /** Top-level URL settings (format uri) longer than {@link #URL_MAX} characters. */
    private List<FieldError> tooLongUrls(JsonNode value, String prefix) {
        if (value == null || !value.isObject()) {
            return List.of();
        }
        List<FieldError> errors = new java.util.ArrayList<>();
        document.path("properties").fields().forEachRemaining(p -> {
            JsonNode v = value.get(p.getKey());
            if (URL_FORMATS.contains(p.getValue().path("format").asText()) && v != null && v.isTextual()
                    && v.asText().length() > URL_MAX) {
                errors.add(new FieldError(prefix.isEmpty() ? p.getKey() : prefix + "." + p.getKey(),
                        "must be at most " + URL_MAX + " characters long (it has " + v.asText().length() + ")"));
            }
        });
        return errors;
    }

    private static String path(String prefix, ValidationMessage message) {
        StringBuilder path = new StringBuilder(prefix);
        var location = message.getInstanceLocation();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(element);
            }
        }
        if (("required".equals(message.getType()) || "dependentRequired".equals(message.getType()))
                && message.getProperty() != null) {
            path.append(path.isEmpty() ? "" : ".").append(message.getProperty());
        }
        return path.toString();
    }

    private static String message(ValidationMessage message) {
        String text = message.getError() != null ? message.getError() : message.getMessage();
        return text.replaceFirst("^\\$[^:]*:\\s*", "");
    }
}
