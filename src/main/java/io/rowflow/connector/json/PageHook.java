package io.rowflow.connector.json;

import java.util.List;
import java.util.Map;

/**
 * What a reader of pages may add around each request beyond the records: values to read from each response
 * (a GraphQL query's cost), a wait before each request (until the points it costs are back), what each page
 * said at those paths, and whether a page refused for now must be asked again.
 */
public interface PageHook {
    PageHook NONE = new PageHook() {
    };

    /** Dotted paths of scalar values to read from every response. */
    default List<String> capturePaths() {
        return List.of();
    }

    /** Called before each page is asked for; may wait. */
    default void beforeRequest() {
    }

    /** What a page held at {@link #capturePaths()} (a path it did not have is absent); may stop the read. */
    default void afterPage(Map<String, String> captured) {
    }

    /**
     * Why the page must be asked for again, after {@link #afterPage} saw it: an answer that carries no records because
     * the API refused the query for now (Shopify's THROTTLED in a 200 answer). Null: the page stands.
     */
    default String askAgain(Map<String, String> captured) {
        return null;
    }

    /** This hook and then {@code next}, around every page. */
    default PageHook andThen(PageHook next) {
        if (next == NONE) {
            return this;
        }
        if (this == NONE) {
            return next;
        }
        PageHook first = this;
        return new PageHook() {
            @Override
            public List<String> capturePaths() {
                List<String> paths = new java.util.ArrayList<>(first.capturePaths());
                paths.addAll(next.capturePaths());
                return paths;
            }

            @Override
            public void beforeRequest() {
                first.beforeRequest();
                next.beforeRequest();
            }

            @Override
            public void afterPage(Map<String, String> captured) {
                first.afterPage(captured);
                next.afterPage(captured);
            }

            @Override
            public String askAgain(Map<String, String> captured) {
                String why = first.askAgain(captured);
                return why != null ? why : next.askAgain(captured);
            }
        };
    }
}
