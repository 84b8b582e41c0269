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
    /**
     * Rowflow's keyword at the schema's top: the settings a flow's source may override ({@code parameters}). Secrets
     * never are, and neither is anything that decides where credentials are sent unless the connector checks the
     * origin stays the same (a URL whose path carries a date).
     */
    public static final String FLOW_PARAMETERS = "x-flow-parameters";

    private final JsonNode document;
    private final JsonSchema schema;
    private final Set<String> secretFields;
    private final Set<String> flowParameters;

    private ConfigSchema(JsonNode document) {
        this.document = document;
        // The validator is given the schema without Rowflow's own keyword (it would warn about an unknown one).
        JsonNode validated = document.deepCopy();
        if (validated.isObject()) {
            ((ObjectNode) validated).remove(FLOW_PARAMETERS);
        }
        this.schema = FACTORY.getSchema(validated, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        Set<String> secrets = new TreeSet<>();
        document.path("properties").fields().forEachRemaining(p -> {
            if (p.getValue().path("writeOnly").asBoolean(false)) {
                secrets.add(p.getKey());
            }
        });
        this.secretFields = Set.copyOf(secrets);
        Set<String> overridable = new TreeSet<>();
        document.path(FLOW_PARAMETERS).forEach(name -> overridable.add(name.asText()));
        overridable.removeAll(secrets);
        this.flowParameters = Set.copyOf(overridable);
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

    /** The settings a flow may override for its source (never a secret). */
    public Set<String> flowParameters() {
        return flowParameters;
    }

    /** One error per setting in {@code parameters} that a flow may not override, each at {@code prefix.name}. */
    public List<FieldError> parameterErrors(JsonNode parameters, String prefix) {
        List<FieldError> errors = new java.util.ArrayList<>();
        if (parameters == null || !parameters.isObject()) {
            return errors;
        }
        parameters.fieldNames().forEachRemaining(name -> {
            if (secretFields.contains(name)) {
                errors.add(new FieldError(prefix + "." + name, "is a secret of the connection: set it on the connection,"
                        + " where it is stored encrypted, not in a flow"));
            } else if (!flowParameters.contains(name)) {
                errors.add(new FieldError(prefix + "." + name, flowParameters.isEmpty()
                        ? "a flow cannot override this connection's settings; change the connection instead"
                        : "a flow cannot override this setting of the connection; it may override " + String.join(", ",
                                flowParameters)));
            }
        });
        return errors;
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
