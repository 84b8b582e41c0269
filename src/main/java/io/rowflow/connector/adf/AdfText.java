package io.rowflow.connector.adf;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Atlassian Document Format (ADF, the rich text of Jira descriptions, comments and worklog comments) as plain text a
 * cell can show: block nodes one per line (paragraphs, headings, code blocks line by line), list items with "- " (or
 * their number), nested ones indented, a hard break a new line, a mention as its text ("@Ada Lovelace"), a link as
 * its text, an inline card as its address, emoji, status and date as their text, a table row by row with its cells
 * joined by " | ", quotes with "> ", tasks with "[ ]"/"[x]". Nodes it does not know give their text and their
 * children's. After Atlassian's node reference (developer.atlassian.com/cloud/jira/platform/apis/document/nodes).
 */
public final class AdfText {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One ADF node: its type, its text (text nodes), its attributes, its children. Marks change no plain text. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Node(String type, String text, Map<String, Object> attrs, List<Node> content) {
        List<Node> children() {
            return content == null ? List.of() : content;
        }

        String attr(String name) {
            Object value = attrs == null ? null : attrs.get(name);
            return value == null ? null : value.toString();
        }
    }

    private AdfText() {
    }

    /** Whether a JSON value is an ADF document: {"type": "doc", "version": 1, "content": [...]}. */
    public static boolean isDocument(String type, Object version, Object content) {
        return "doc".equals(type) && version instanceof Number && content != null;
    }

    /** The document's plain text; its JSON is refused with the parser's reason when it is not ADF. */
    public static String of(String documentJson) {
        Node doc;
        try {
            doc = JSON.readValue(documentJson, Node.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Not an Atlassian document: " + e.getOriginalMessage(), e);
        }
        List<String> lines = new ArrayList<>();
        blocks(doc.children(), "", lines);
        return String.join("\n", lines).strip();
    }

    /** Block nodes, each adding its lines with {@code indent} before them. */
    private static void blocks(List<Node> nodes, String indent, List<String> lines) {
        for (Node node : nodes) {
            block(node, indent, lines);
        }
    }

    private static void block(Node node, String indent, List<String> lines) {
        String type = node.type() == null ? "" : node.type();
        switch (type) {
            case "paragraph", "heading" -> inlineLines(node, indent, lines);
            case "codeBlock" -> {
                StringBuilder code = new StringBuilder();
                node.children().forEach(child -> inline(child, code));
                code.toString().lines().forEach(line -> lines.add(indent + line));
            }
            case "bulletList" -> items(node, indent, lines, false);
            case "orderedList" -> items(node, indent, lines, true);
            case "taskList", "decisionList" -> node.children().forEach(item -> {
                String mark = "DONE".equals(item.attr("state")) ? "[x] " : "TODO".equals(item.attr("state")) ? "[ ] "
                        : "- ";
                prefixed(item, indent, mark, lines);
            });
            case "blockquote" -> {
                List<String> quoted = new ArrayList<>();
                blocks(node.children(), "", quoted);
                quoted.forEach(line -> lines.add(indent + "> " + line));
            }
            case "table" -> node.children().forEach(row -> {
                List<String> cells = new ArrayList<>();
                for (Node cell : row.children()) {
                    List<String> cellLines = new ArrayList<>();
                    blocks(cell.children(), "", cellLines);
                    cells.add(String.join(" ", cellLines).strip());
                }
                lines.add(indent + String.join(" | ", cells));
            });
            case "rule" -> lines.add(indent + "---");
            case "expand", "nestedExpand" -> {
                if (node.attr("title") != null && !node.attr("title").isBlank()) {
                    lines.add(indent + node.attr("title"));
                }
                blocks(node.children(), indent, lines);
            }
            case "mediaSingle", "mediaGroup", "media" -> {
                String alt = node.attr("alt");
                if (alt != null && !alt.isBlank()) {
                    lines.add(indent + alt);
                }
                node.children().forEach(child -> block(child, indent, lines));
            }
            case "blockCard", "embedCard" -> {
                if (node.attr("url") != null) {
                    lines.add(indent + node.attr("url"));
                }
            }
            default -> {
                // panel, layouts and block nodes not listed: their children; an inline node met here, its text.
                if (node.children().isEmpty() || node.children().stream().noneMatch(AdfText::isBlock)) {
                    inlineLines(node, indent, lines);
                } else {
                    blocks(node.children(), indent, lines);
                }
            }
        }
    }

    private static boolean isBlock(Node node) {
        return node.content() != null || switch (node.type() == null ? "" : node.type()) {
            case "rule", "blockCard", "embedCard", "media" -> true;
            default -> false;
        };
    }

    /** A list's items: "- " or "1. " (from the list's start number) before the first line, nested lists indented. */
    private static void items(Node list, String indent, List<String> lines, boolean numbered) {
        int number = 1;
        try {
            number = list.attr("order") == null ? 1 : (int) Double.parseDouble(list.attr("order"));
        } catch (NumberFormatException notANumber) {
            // the default start, 1
        }
        for (Node item : list.children()) {
            prefixed(item, indent, numbered ? (number++) + ". " : "- ", lines);
        }
    }

    /** An item's blocks, the first line after {@code mark}, the others (and nested lists) indented under it. */
    private static void prefixed(Node item, String indent, String mark, List<String> lines) {
        List<String> inner = new ArrayList<>();
        if (item.children().stream().anyMatch(AdfText::isBlock)) {
            blocks(item.children(), "", inner);
        } else {
            inlineLines(item, "", inner); // a task or decision item holds inline nodes directly
        }
        if (inner.isEmpty()) {
            inner.add("");
        }
        String under = " ".repeat(mark.length());
        for (int i = 0; i < inner.size(); i++) {
            lines.add(indent + (i == 0 ? mark : under) + inner.get(i));
        }
    }

    /** A node of inline content as lines: hard breaks start new ones. */
    private static void inlineLines(Node node, String indent, List<String> lines) {
        StringBuilder text = new StringBuilder();
        if (node.text() != null || node.children().isEmpty()) {
            inline(node, text);
        } else {
            node.children().forEach(child -> inline(child, text));
        }
        text.toString().lines().forEach(line -> lines.add(indent + line));
        if (text.isEmpty()) {
            lines.add(indent);
        }
    }

    private static void inline(Node node, StringBuilder out) {
        String type = node.type() == null ? "" : node.type();
        switch (type) {
            case "text" -> out.append(node.text() == null ? "" : node.text());
            case "hardBreak" -> out.append('\n');
            case "mention" -> out.append(node.attr("text") != null ? node.attr("text") : "@" + node.attr("id"));
            case "emoji" -> out.append(node.attr("text") != null ? node.attr("text") : node.attr("shortName"));
            case "inlineCard" -> out.append(node.attr("url") != null ? node.attr("url") : "");
            case "status" -> out.append(node.attr("text") != null ? node.attr("text") : "");
            case "date" -> out.append(date(node.attr("timestamp")));
            case "placeholder" -> {
                // text shown only while editing
            }
            default -> {
                if (node.text() != null) {
                    out.append(node.text());
                }
                node.children().forEach(child -> inline(child, out));
            }
        }
    }

    /** A date node's day (its timestamp is milliseconds since 1970 in UTC), or the timestamp as given. */
    private static String date(String timestamp) {
        if (timestamp == null) {
            return "";
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(timestamp.strip())).atZone(ZoneOffset.UTC).toLocalDate()
                    .toString();
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return timestamp;
        }
    }
}
