package io.rowflow.connector.adf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * ADF to plain text, with the examples of Atlassian's node reference (developer.atlassian.com/cloud/jira/platform/
 * apis/document/structure and …/nodes/*): each node kind as a person would read it in a cell.
 */
class AdfTextTest {
    /** A document around the given block nodes (JSON). */
    static String doc(String... blocks) {
        return "{\"version\":1,\"type\":\"doc\",\"content\":[" + String.join(",", blocks) + "]}";
    }

    static String paragraph(String... inline) {
        return "{\"type\":\"paragraph\",\"content\":[" + String.join(",", inline) + "]}";
    }

    static String text(String text) {
        return "{\"type\":\"text\",\"text\":\"" + text + "\"}";
    }

    @Test
    void theStructurePagesExampleIsHelloWorld() {
        // "Result in the text "Hello world"": the strong mark changes no text.
        assertThat(AdfText.of(doc(paragraph(text("Hello "),
                "{\"type\":\"text\",\"text\":\"world\",\"marks\":[{\"type\":\"strong\"}]}")))).isEqualTo("Hello world");
    }

    @Test
    void paragraphsAreLinesAndAHardBreakStartsOne() {
        assertThat(AdfText.of(doc(paragraph(text("First line"), "{\"type\":\"hardBreak\"}", text("second line")),
                paragraph(text("Next paragraph"))))).isEqualTo("First line\nsecond line\nNext paragraph");
    }

    @Test
    void mentionsLinksEmojiStatusAndDatesAreTheirText() {
        String mention = "{\"type\":\"mention\",\"attrs\":{\"id\":\"ABCDE-ABCDE-ABCDE-ABCDE\",\"text\":\"@Bradley Ayers\","
                + "\"userType\":\"APP\"}}";
        String link = "{\"type\":\"text\",\"text\":\"Hello world\",\"marks\":[{\"type\":\"link\",\"attrs\":{\"href\":"
                + "\"http://example.com\",\"title\":\"Example\"}}]}";
        String emoji = "{\"type\":\"emoji\",\"attrs\":{\"shortName\":\":grinning:\",\"text\":\"😀\"}}";
        String status = "{\"type\":\"status\",\"attrs\":{\"localId\":\"abcdef12-abcd-abcd-abcd-abcdef123456\","
                + "\"text\":\"In Progress\",\"color\":\"yellow\"}}";
        String date = "{\"type\":\"date\",\"attrs\":{\"timestamp\":\"1582152559000\"}}";
        String card = "{\"type\":\"inlineCard\",\"attrs\":{\"url\":\"https://atlassian.com\"}}";
        assertThat(AdfText.of(doc(paragraph(mention, text(" see "), link, text(" "), emoji, text(" "), status,
                text(" due "), date, text(" at "), card))))
                .isEqualTo("@Bradley Ayers see Hello world 😀 In Progress due 2020-02-19 at https://atlassian.com");
    }

    @Test
    void listsHaveDashesOrNumbersAndNestedOnesAreIndented() {
        String bullets = "{\"type\":\"bulletList\",\"content\":[{\"type\":\"listItem\",\"content\":[" + paragraph(
                text("Hello world")) + "]},{\"type\":\"listItem\",\"content\":[" + paragraph(text("Parent"))
                + ",{\"type\":\"orderedList\",\"attrs\":{\"order\":3},\"content\":[{\"type\":\"listItem\",\"content\":["
                + paragraph(text("Third")) + "]},{\"type\":\"listItem\",\"content\":[" + paragraph(text("Fourth"))
                + "]}]}]}]}";
        assertThat(AdfText.of(doc(bullets))).isEqualTo("- Hello world\n- Parent\n  3. Third\n  4. Fourth");
    }

    @Test
    void aCodeBlockKeepsItsLines() {
        String code = "{\"type\":\"codeBlock\",\"attrs\":{\"language\":\"javascript\"},\"content\":[{\"type\":\"text\","
                + "\"text\":\"var foo = {};\\nvar bar = [];\"}]}";
        assertThat(AdfText.of(doc(paragraph(text("Before")), code))).isEqualTo("Before\nvar foo = {};\nvar bar = [];");
    }

    @Test
    void aTableIsWrittenRowByRow() {
        String header = "{\"type\":\"tableRow\",\"content\":[{\"type\":\"tableHeader\",\"attrs\":{},\"content\":["
                + paragraph(text("Component")) + "]},{\"type\":\"tableHeader\",\"attrs\":{},\"content\":["
                + paragraph(text("Owner")) + "]}]}";
        String row = "{\"type\":\"tableRow\",\"content\":[{\"type\":\"tableCell\",\"attrs\":{},\"content\":["
                + paragraph(text("Search")) + "]},{\"type\":\"tableCell\",\"attrs\":{\"colspan\":1},\"content\":["
                + paragraph(text("Ada"), "{\"type\":\"hardBreak\"}", text("Bo")) + "]}]}";
        String table = "{\"type\":\"table\",\"attrs\":{\"isNumberColumnEnabled\":false,\"layout\":\"center\"},"
                + "\"content\":[" + header + "," + row + "]}";
        assertThat(AdfText.of(doc(table))).isEqualTo("Component | Owner\nSearch | Ada Bo");
    }

    @Test
    void headingsQuotesRulesTasksAndPanels() {
        String heading = "{\"type\":\"heading\",\"attrs\":{\"level\":1},\"content\":[" + text("Heading One") + "]}";
        String quote = "{\"type\":\"blockquote\",\"content\":[" + paragraph(text("Quoted")) + "]}";
        String rule = "{\"type\":\"rule\"}";
        String tasks = "{\"type\":\"taskList\",\"attrs\":{\"localId\":\"\"},\"content\":[{\"type\":\"taskItem\","
                + "\"attrs\":{\"localId\":\"1\",\"state\":\"DONE\"},\"content\":[" + text("Done one") + "]},"
                + "{\"type\":\"taskItem\",\"attrs\":{\"localId\":\"2\",\"state\":\"TODO\"},\"content\":["
                + text("Open one") + "]}]}";
        String panel = "{\"type\":\"panel\",\"attrs\":{\"panelType\":\"info\"},\"content\":[" + paragraph(
                text("Hello world")) + "]}";
        String media = "{\"type\":\"mediaSingle\",\"attrs\":{\"layout\":\"center\"},\"content\":[{\"type\":\"media\","
                + "\"attrs\":{\"id\":\"4478e39c-cf9b-41d1-ba92-68589487cd75\",\"type\":\"file\",\"collection\":"
                + "\"MediaServicesSample\",\"alt\":\"moon.jpeg\",\"width\":225,\"height\":225}}]}";
        assertThat(AdfText.of(doc(heading, quote, rule, tasks, panel, media))).isEqualTo(
                "Heading One\n> Quoted\n---\n[x] Done one\n[ ] Open one\nHello world\nmoon.jpeg");
    }

    @Test
    void anEmptyDocumentIsEmptyAndOtherJsonIsRefused() {
        assertThat(AdfText.of(doc())).isEmpty();
        assertThat(AdfText.isDocument("doc", 1, "[]")).isTrue();
        assertThat(AdfText.isDocument("paragraph", 1, "[]")).isFalse();
        assertThatThrownBy(() -> AdfText.of("not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Not an Atlassian document");
    }
}
