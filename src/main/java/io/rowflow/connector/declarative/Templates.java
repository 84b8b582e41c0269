package io.rowflow.connector.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.connector.ChangeTimes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place a manifest's text is filled in for a read: {@code {{config.<field>}}} from the connection's settings
 * (a missing setting is empty), {@code {{config.<field> | <format>}}} for a date setting as the API reads dates (the
 * formats of {@code since_format}: Slack's oldest as {@code epoch_seconds}), {@code {{since}}} with the start time of
 * an incremental read as the API reads it, {@code {{partition}}} in a path or parameter with a parent record's value,
 * and the same in every string of a JSON request body. The DSL has placeholders only, no expressions.
 */
final class Templates {
    private static final Pattern CONFIG = Pattern.compile(
            "\\{\\{\\s*config\\.([A-Za-z0-9_]+)\\s*(?:\\|\\s*([^}]*?)\\s*)?}}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^}]*}}");

    private Templates() {
    }

    /**
     * {@code {{config.field}}} replaced by the connection's setting, a missing one empty; with {@code | format}, the
     * setting is a date or date-time (ISO-8601, UTC unless it says) written in that format.
     */
    static String config(String template, JsonNode config) {
        return config(template, config, java.util.function.UnaryOperator.identity());
    }

    /** As {@link #config(String, JsonNode)}, each setting's value passed through {@code encode} first. */
    private static String config(String template, JsonNode config, java.util.function.UnaryOperator<String> encode) {
        Matcher m = CONFIG.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = config.path(m.group(1)).asText("");
            if (m.group(2) != null && !value.isBlank()) {
                value = ChangeTimes.format(dateSetting(m.group(1), value), m.group(2), ZoneId.of("UTC"));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(encode.apply(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Instant dateSetting(String name, String value) {
        try {
            return ChangeTimes.parse(value);
        } catch (io.rowflow.common.error.DataException notADate) {
            throw new io.rowflow.common.error.DataException("The setting " + name + " (\"" + value + "\") is not a"
                    + " date: write it as 2026-01-31 or 2026-01-31T09:00:00Z");
        }
    }

    /** Whether a template begins with one of these settings ({@code {{config.api_domain}}/v1}): its host is theirs. */
    static boolean startsWithSettingOf(String template, java.util.Collection<String> settings) {
        Matcher m = CONFIG.matcher(template);
        return m.lookingAt() && m.group(2) == null && settings.contains(m.group(1));
    }

    /** Whether a template fills anything in (a setting, the start time, a partition's value). */
    static boolean fillsIn(String template) {
        return PLACEHOLDER.matcher(template).find();
    }

    /** {@code {{partition}}} in a parameter replaced by a partition's value (null outside a partition). */
    static String partition(String text, String partition) {
        return partition == null ? text : text.replace("{{partition}}", partition);
    }

    /**
     * Every placeholder replaced by a sample name ("site"), to check at load where an address leads whatever the
     * settings: a customer's site stands for any name, the host around it must still be one the connector allows.
     */
    static String sample(String template) {
        return PLACEHOLDER.matcher(template).replaceAll("site");
    }

    /** The settings a template names, in order ({@code shop} for https://{{config.shop}}.myshopify.com). */
    static java.util.List<String> settingsNamed(String template) {
        java.util.List<String> names = new java.util.ArrayList<>();
        Matcher m = CONFIG.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * A request's path: its settings filled in, then the parent's value (null outside a partition), each value one
     * segment (an Airtable table named "Tasks / 2026" stays one name in the path).
     */
    static String path(String template, JsonNode config, String partition) {
        String path = config(template, config, Templates::segment);
        return partition == null ? path : path.replace("{{partition}}", segment(partition));
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A parameter's or a body string's text: its settings filled in, then the start time when reading changes. */
    static String text(String template, JsonNode config, Instant since, JsonNode incremental) {
        return since(config(template, config), since, incremental, config);
    }

    /**
     * {@code {{since}}} replaced by the start time as the API reads it: {@code since_format} (a java.time pattern or
     * epoch_millis; default ISO-8601) in {@code since_zone} (default UTC). Text without it comes back as it is.
     */
    private static String since(String template, Instant since, JsonNode incremental, JsonNode config) {
        if (since == null || !template.contains("{{since}}")) {
            return template;
        }
        String zone = config(incremental.path("since_zone").asText("UTC"), config);
        String format = incremental.hasNonNull("since_format") ? incremental.get("since_format").asText() : null;
        return template.replace("{{since}}", ChangeTimes.format(since, format,
                ZoneId.of(zone.isBlank() ? "UTC" : zone)));
    }

    /**
     * A JSON request body with every string filled in (settings, and the start time when reading changes); numbers,
     * booleans and nulls are sent as declared. The manifest's tree is never changed: each read gets its own copy.
     */
    static JsonNode body(JsonNode template, JsonNode config, Instant since, JsonNode incremental) {
        if (since != null && incremental != null && incremental.has("body")) {
            template = merge(template, incremental.get("body"));
        }
        return fill(template, config, since, incremental);
    }

    /**
     * {@code over} laid on {@code base}: objects key by key (recursively), anything else replaced. Neither tree is
     * changed. An incremental read's {@code body} adds its filter variable to the stream's body this way.
     */
    static JsonNode merge(JsonNode base, JsonNode over) {
        if (base == null || !base.isObject() || !over.isObject()) {
            return over;
        }
        ObjectNode out = base.deepCopy();
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) over::fields) {
            out.set(field.getKey(), merge(base.get(field.getKey()), field.getValue()));
        }
        return out;
    }

    private static JsonNode fill(JsonNode template, JsonNode config, Instant since, JsonNode incremental) {
        if (template == null) {
            return null;
        }
        if (template.isTextual()) {
            return JsonNodeFactory.instance.textNode(text(template.asText(), config, since, incremental));
        }
        if (template.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) template::fields) {
                out.set(field.getKey(), fill(field.getValue(), config, since, incremental));
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            template.forEach(item -> out.add(fill(item, config, since, incremental)));
            return out;
        }
        return template.deepCopy();
    }
}
