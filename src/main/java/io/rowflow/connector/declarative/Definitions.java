package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.FieldError;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A manifest's reusable parts: {@code definitions} holds named pieces (a paginator, a request body, a whole stream
 * shape), and {@code {$ref: "#/definitions/<name>"}} anywhere in the manifest stands for a copy of one; keys written
 * beside the {@code $ref} replace the definition's own (a stream's {@code path} beside a shared shape). A definition
 * may refer to others, never to itself through any chain. Resolved before the manifest is checked against its schema,
 * so the schema sees what the engine reads. The connection form ({@code spec}) is a JSON Schema whose own
 * {@code $ref}s are its business and are left alone.
 */
final class Definitions {
    static final String PREFIX = "#/definitions/";

    private Definitions() {
    }

    /** The manifest with every reference replaced and {@code definitions} removed; problems go to {@code errors}. */
    static JsonNode resolve(JsonNode manifest, String file, List<FieldError> errors) {
        if (!manifest.isObject()) {
            return manifest;
        }
        JsonNode definitions = manifest.path("definitions");
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) manifest::fields) {
            String name = field.getKey();
            if (name.equals("definitions")) {
                continue;
            }
            out.set(name, name.equals("spec") ? field.getValue() : resolved(field.getValue(), definitions,
                    file + "." + name, new ArrayDeque<>(), errors));
        }
        return out;
    }

    private static JsonNode resolved(JsonNode node, JsonNode definitions, String at, Deque<String> following,
            List<FieldError> errors) {
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                out.add(resolved(node.get(i), definitions, at + "[" + i + "]", following, errors));
            }
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        JsonNode ref = node.get("$ref");
        if (ref != null) {
            String target = ref.asText();
            JsonNode definition = target.startsWith(PREFIX) ? definitions.at("/" + target.substring(PREFIX.length()))
                    : null;
            if (definition == null || definition.isMissingNode()) {
                errors.add(new FieldError(at + ".$ref", "\"" + target + "\" names no definition; write"
                        + " \"" + PREFIX + "<name>\" with <name> under definitions"));
                return out;
            }
            if (following.contains(target)) {
                errors.add(new FieldError(at + ".$ref", "\"" + target + "\" refers back to itself through "
                        + String.join(" → ", following)));
                return out;
            }
            following.push(target);
            JsonNode expanded = resolved(definition, definitions, at + "(" + target + ")", following, errors);
            following.pop();
            if (node.size() == 1) {
                return expanded;
            }
            if (!expanded.isObject()) {
                errors.add(new FieldError(at + ".$ref", "\"" + target + "\" is not an object, so no keys can be"
                        + " written beside it"));
                return out;
            }
            out.setAll((ObjectNode) expanded);
        }
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            if (!field.getKey().equals("$ref")) {
                out.set(field.getKey(), resolved(field.getValue(), definitions, at + "." + field.getKey(), following,
                        errors));
            }
        }
        return out;
    }
}
