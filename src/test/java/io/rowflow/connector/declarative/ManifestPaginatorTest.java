package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.connector.json.Paginator;
import org.junit.jupiter.api.Test;

/** A manifest's paginator in YAML becomes the same paginator JSON from URL pages with, defaults included. */
class ManifestPaginatorTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Paginator paginator(String yaml) throws Exception {
        return Manifest.paginatorOf(YAML.readTree(yaml));
    }

    @Test
    void eachKindOfTheManifestBecomesItsRecord() throws Exception {
        assertThat(Manifest.paginatorOf(null)).isEqualTo(Paginator.NONE);
        assertThat(paginator("{type: none}")).isEqualTo(Paginator.NONE);
        assertThat(paginator("{type: cursor, cursor_path: nextPageToken, param: nextPageToken}"))
                .isEqualTo(new Paginator.Cursor("nextPageToken", "nextPageToken", null, null));
        assertThat(paginator("{type: cursor, cursor_path: data.orders.pageInfo.endCursor, body_path: variables.cursor,"
                + " has_more_path: data.orders.pageInfo.hasNextPage}")).isEqualTo(new Paginator.Cursor(
                        "data.orders.pageInfo.endCursor", null, "variables.cursor", "data.orders.pageInfo.hasNextPage"));
        assertThat(paginator("{type: cursor, last_record_field: id, param: starting_after, has_more_path: has_more}"))
                .isEqualTo(new Paginator.Cursor(null, "starting_after", null, "has_more", "id"));
        assertThat(paginator("{type: link}")).isEqualTo(new Paginator.NextLink(null));
        assertThat(paginator("{type: link, link_path: paging.next.link}"))
                .isEqualTo(new Paginator.NextLink("paging.next.link"));
        assertThat(paginator("{type: offset, page_size: 50, offset_param: startAt, limit_param: maxResults,"
                + " total_path: total, last_page_path: isLast}"))
                .isEqualTo(new Paginator.Offset(50, "startAt", "maxResults", "total", "isLast"));
        assertThat(paginator("{type: offset, page_size: 100}"))
                .isEqualTo(new Paginator.Offset(100, "offset", "limit", null, null));
        assertThat(paginator("{type: page, page_size: 20}"))
                .isEqualTo(new Paginator.PageNumber(20, "page", null, 1, null));
        assertThat(paginator("{type: page, page_size: 20, page_param: p, size_param: per_page, first_page: 0}"))
                .isEqualTo(new Paginator.PageNumber(20, "p", "per_page", 0, null));
    }
}
