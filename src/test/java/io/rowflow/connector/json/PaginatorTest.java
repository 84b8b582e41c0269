package io.rowflow.connector.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.DataException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each kind of the paginator family on its own: the first request, the next one from what a page held, the end, and
 * the loops it refuses; and JSON from URL's pagination settings parsed into the family.
 */
class PaginatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ApiRequest ITEMS = new ApiRequest("GET", URI.create("https://api.example.com/items"),
            Map.of("Authorization", "Bearer t"), Map.of("status", "open"), Map.of("api_key", "k"), null, "items");

    private static Paginator.Page page(long records, String... captured) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < captured.length; i += 2) {
            values.put(captured[i], captured[i + 1]);
        }
        return new Paginator.Page(records, values, Optional.empty());
    }

    private static Paginator.PageRequest second(Paginator paginator, ApiRequest request, Paginator.Page first) {
        return paginator.next(request, paginator.first(request), first).orElseThrow();
    }

    @Test
    void noneAsksOnceWithTheQueryAndTheSecretQuery() {
        Paginator.PageRequest first = Paginator.NONE.first(ITEMS);
        assertThat(first.uri()).hasToString("https://api.example.com/items?status=open&api_key=k");
        assertThat(Paginator.NONE.next(ITEMS, first, page(100))).isEmpty();
    }

    @Test
    void aNextLinkIsFollowedFromTheBodyOrTheLinkHeaderUntilThereIsNone() {
        Paginator inBody = new Paginator.NextLink("paging.next");
        assertThat(inBody.capturePaths()).containsExactly("paging.next");
        assertThat(second(inBody, ITEMS, page(10, "paging.next", "/items?after=10")).uri())
                .hasToString("https://api.example.com/items?after=10");
        assertThat(inBody.next(ITEMS, inBody.first(ITEMS), page(10))).isEmpty();

        Paginator inHeader = new Paginator.NextLink(null);
        Paginator.Page linked = new Paginator.Page(10, Map.of(), Optional.of(
                "<https://api.example.com/items?page=1>; rel=\"prev\", <https://api.example.com/items?page=3>; rel=next"));
        assertThat(second(inHeader, ITEMS, linked).uri()).hasToString("https://api.example.com/items?page=3");
    }

    @Test
    void aNextLinkToThePageJustReadStopsTheRead() {
        Paginator link = new Paginator.NextLink("next");
        Paginator.PageRequest first = link.first(ITEMS);
        assertThatThrownBy(() -> link.next(ITEMS, first, page(10, "next", first.uri().toString())))
                .isInstanceOf(DataException.class).hasMessageContaining("points at the page just read");
    }

    @Test
    void aCursorGoesBackAsAParameterUntilItIsEmptyOrRepeats() {
        Paginator cursor = new Paginator.Cursor("next", "after", null, null);
        Paginator.PageRequest first = cursor.first(ITEMS);
        assertThat(first.uri().getQuery()).doesNotContain("after");
        Paginator.PageRequest second = cursor.next(ITEMS, first, page(10, "next", "c2")).orElseThrow();
        assertThat(second.uri()).hasToString("https://api.example.com/items?status=open&api_key=k&after=c2");
        assertThat(cursor.next(ITEMS, second, page(10, "next", ""))).isEmpty();
        assertThatThrownBy(() -> cursor.next(ITEMS, second, page(10, "next", "c2")))
                .isInstanceOf(DataException.class).hasMessageContaining("same cursor twice");
        assertThat(cursor.everyPageHoldsRecords()).isFalse();
    }

    @Test
    void aCursorFromTheLastRecordGoesBackUntilThereIsNoMoreOrNoRecord() {
        // Stripe: the next page starts after the last object's id; has_more: false ends the read.
        Paginator cursor = new Paginator.Cursor(null, "starting_after", null, "has_more", "id");
        assertThat(cursor.lastRecordField()).isEqualTo("id");
        assertThat(cursor.capturePaths()).containsExactly("has_more");
        Paginator.PageRequest first = cursor.first(ITEMS);
        Paginator.PageRequest second = cursor.next(ITEMS, first, new Paginator.Page(2, Map.of("has_more", "true"),
                Optional.empty(), "ch_2")).orElseThrow();
        assertThat(second.uri()).hasToString("https://api.example.com/items?status=open&api_key=k&starting_after=ch_2");
        assertThat(cursor.next(ITEMS, second, new Paginator.Page(1, Map.of("has_more", "false"), Optional.empty(),
                "ch_3"))).isEmpty();
        assertThat(cursor.next(ITEMS, second, new Paginator.Page(0, Map.of("has_more", "true"), Optional.empty(),
                null))).as("an empty page has no last record").isEmpty();
        assertThatThrownBy(() -> cursor.next(ITEMS, second, new Paginator.Page(1, Map.of(), Optional.empty(),
                "ch_2"))).isInstanceOf(DataException.class).hasMessageContaining("\"id\" of the last record");
    }

    @Test
    void aGraphQLCursorGoesBackInTheBodyToTheSameAddressUntilHasNextPageIsFalse() throws Exception {
        ApiRequest query = new ApiRequest("POST", URI.create("https://shop.example.com/graphql.json"), Map.of(),
                Map.of(), Map.of(), "{\"query\":\"q\",\"variables\":{\"first\":3}}", "data.products.edges");
        Paginator cursor = new Paginator.Cursor("data.products.pageInfo.endCursor", null, "variables.cursor",
                "data.products.pageInfo.hasNextPage");
        assertThat(cursor.capturePaths()).containsExactly("data.products.pageInfo.endCursor",
                "data.products.pageInfo.hasNextPage");
        Paginator.PageRequest second = second(cursor, query, page(3, "data.products.pageInfo.endCursor", "e3",
                "data.products.pageInfo.hasNextPage", "true"));
        assertThat(second.uri()).isEqualTo(query.uri());
        assertThat(JSON.readTree(second.body()).path("variables").path("cursor").asText()).isEqualTo("e3");
        assertThat(JSON.readTree(second.body()).path("variables").path("first").asInt()).isEqualTo(3);
        assertThat(cursor.next(query, second, page(3, "data.products.pageInfo.endCursor", "e6",
                "data.products.pageInfo.hasNextPage", "false"))).isEmpty();
        assertThat(cursor.everyPageHoldsRecords()).isTrue();
    }

    @Test
    void aCursorInTheBodyNeedsAJsonObjectBodyBeforeAnythingIsAsked() {
        Paginator cursor = new Paginator.Cursor("next", null, "variables.cursor", null);
        assertThatThrownBy(() -> cursor.first(ITEMS)).isInstanceOf(DataException.class)
                .hasMessageContaining("needs a JSON object as the body");
    }

    @Test
    void anOffsetMovesByTheRecordsReadAndEndsOnAnEmptyPageTheTotalOrIsLast() {
        Paginator.Offset offset = new Paginator.Offset(50, "startAt", "maxResults", "total", "isLast");
        assertThat(offset.positionParam()).isEqualTo("startAt");
        Paginator.PageRequest first = offset.first(ITEMS);
        assertThat(first.uri().getQuery()).endsWith("startAt=0&maxResults=50");
        // An API that caps the page below the size asked for: the next offset is what was read.
        Paginator.PageRequest second = offset.next(ITEMS, first, page(40, "total", "120")).orElseThrow();
        assertThat(second.uri().getQuery()).endsWith("startAt=40&maxResults=50");
        assertThat(offset.next(ITEMS, second, page(80, "total", "120"))).isEmpty();
        assertThat(offset.next(ITEMS, second, page(10, "isLast", "true"))).isEmpty();
        assertThat(offset.next(ITEMS, second, page(0))).isEmpty();
    }

    @Test
    void pageNumbersCountFromTheFirstPageWithThePageSizeAndEndOnAnEmptyPageOrIsLast() {
        Paginator.PageNumber pages = new Paginator.PageNumber(25, "p", "per_page", 0, "last");
        Paginator.PageRequest first = pages.first(ITEMS);
        assertThat(first.uri().getQuery()).endsWith("p=0&per_page=25");
        Paginator.PageRequest second = pages.next(ITEMS, first, page(25)).orElseThrow();
        assertThat(second.uri().getQuery()).endsWith("p=1&per_page=25");
        assertThat(pages.next(ITEMS, second, page(25, "last", "TRUE"))).isEmpty();
        assertThat(pages.next(ITEMS, second, page(0))).isEmpty();
        assertThat(new Paginator.PageNumber(25, "page", null, 1, null).first(ITEMS).uri().getQuery())
                .endsWith("api_key=k&page=1");
    }

    @Test
    void jsonFromUrlSettingsBecomeTheFamilyWithTheirDefaults() throws Exception {
        assertThat(JsonUrlSource.paginator(JSON.readTree("{\"type\":\"none\"}"))).isEqualTo(Paginator.NONE);
        assertThat(JsonUrlSource.paginator(JSON.missingNode())).isEqualTo(Paginator.NONE);
        assertThat(JsonUrlSource.paginator(JSON.readTree("{\"type\":\"next_link\",\"nextLinkPath\":\"\"}")))
                .isEqualTo(new Paginator.NextLink(null));
        assertThat(JsonUrlSource.paginator(JSON.readTree("{\"type\":\"offset\",\"totalPath\":\"total\"}")))
                .isEqualTo(new Paginator.Offset(100, "offset", "limit", "total", null));
        assertThat(JsonUrlSource.paginator(JSON.readTree("{\"type\":\"page\",\"pageSize\":20,\"startPage\":0,"
                + "\"pageSizeParam\":\"size\"}"))).isEqualTo(new Paginator.PageNumber(20, "page", "size", 0, null));
        assertThat(JsonUrlSource.paginator(JSON.readTree("{\"type\":\"cursor\",\"cursorPath\":\"next\","
                + "\"cursorParam\":\"after\"}"))).isEqualTo(new Paginator.Cursor("next", "after", null, null));
    }
}
