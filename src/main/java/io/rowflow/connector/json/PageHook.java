package io.rowflow.connector.json;

import java.util.List;
import java.util.Map;

/**
 * What a reader of pages may add around each request beyond the records: values to read from each response
 * (a GraphQL query's cost), a wait before each request (until the points it costs are back), and what each page
 * said at those paths.
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
        };
    }
}
