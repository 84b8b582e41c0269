package io.rowflow.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.rowflow.common.error.FieldError;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Date macros in a source's parameters, resolved in the flow's time zone when the run starts: {@code {{today}}},
 * {@code {{yesterday}}}, {@code {{7daysago}}} (any number), {@code {{startofweek}}} (Monday), {@code {{startofmonth}}},
 * {@code {{startofquarter}}}, {@code {{startofyear}}}; ISO dates (2026-03-31) unless a pattern follows a colon:
 * {@code {{yesterday:dd.MM.yyyy}}}.
 */
public final class DateMacros {
    private DateMacros() {
    }

    private static final Pattern MACRO = Pattern.compile("\\{\\{\\s*([a-zA-Z0-9]+)\\s*(?::([^}]+))?}}");
    private static final Pattern DAYS_AGO = Pattern.compile("(\\d{1,5})daysago");
    private static final Map<String, Function<TransformClock, LocalDate>> NAMED = Map.of(
            "today", TransformClock::today,
            "yesterday", c -> c.today().minusDays(1),
            "startofweek", TransformClock::startOfWeek,
            "startofmonth", TransformClock::startOfMonth,
            "startofquarter", TransformClock::startOfQuarter,
            "startofyear", TransformClock::startOfYear);

    /** A copy of the parameters with every macro replaced; null stays null. */
    public static ObjectNode resolve(ObjectNode parameters, TransformClock clock) {
        return parameters == null ? null : (ObjectNode) resolve((JsonNode) parameters, clock, "parameters", null);
    }

    /** The macros that cannot be resolved (unknown names, bad patterns), by field. */
    public static List<FieldError> check(ObjectNode parameters, String path) {
        List<FieldError> errors = new ArrayList<>();
        if (parameters != null) {
            resolve(parameters, new TransformClock(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC), path, errors);
        }
        return errors;
    }

    private static JsonNode resolve(JsonNode node, TransformClock clock, String path, List<FieldError> errors) {
        if (node.isTextual()) {
            return new TextNode(replace(node.asText(), clock, path, errors));
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), resolve(e.getValue(), clock, path + "." + e.getKey(),
                    errors)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(resolve(node.get(i), clock, path + "[" + i + "]", errors));
            }
            return copy;
        }
        return node;
    }

    static String replace(String text, TransformClock clock, String path, List<FieldError> errors) {
        Matcher m = MACRO.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).toLowerCase(java.util.Locale.ROOT);
            LocalDate date;
            Matcher ago = DAYS_AGO.matcher(name);
            if (NAMED.containsKey(name)) {
                date = NAMED.get(name).apply(clock);
            } else if (ago.matches()) {
                date = clock.today().minusDays(Long.parseLong(ago.group(1)));
            } else {
                fail(errors, path, "unknown date macro {{" + m.group(1) + "}}; the macros are {{today}}, {{yesterday}},"
                        + " {{Ndaysago}} (e.g. {{7daysago}}), {{startofweek}}, {{startofmonth}}, {{startofquarter}},"
                        + " {{startofyear}}");
                date = clock.today();
            }
            String formatted = date.toString();
            if (m.group(2) != null) {
                try {
                    formatted = DateTimeFormatter.ofPattern(m.group(2).strip()).format(date);
                } catch (IllegalArgumentException | java.time.DateTimeException e) {
                    fail(errors, path, "\"" + m.group(2) + "\" is not a date pattern (e.g. dd.MM.yyyy): " + e.getMessage());
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(formatted));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void fail(List<FieldError> errors, String path, String message) {
        if (errors == null) {
            throw new TransformException(path, message);
        }
        errors.add(new FieldError(path, message));
    }
}
