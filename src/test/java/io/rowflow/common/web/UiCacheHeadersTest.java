package io.rowflow.common.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which answers get which Cache-Control (UiServingTest checks the headers a running server sends). */
class UiCacheHeadersTest {
    @Test
    void hashedAssetsAreImmutableAndEveryOtherUiAnswerIsRevalidated() {
        assertThat(UiCacheHeaders.cacheControl("/assets/index-3f9c1a.js", 200)).isEqualTo("public, max-age=31536000, immutable");
        assertThat(UiCacheHeaders.cacheControl("/assets/index-3f9c1a.js", 304)).isEqualTo("public, max-age=31536000, immutable");
        assertThat(UiCacheHeaders.cacheControl("/", 200)).isEqualTo("no-cache");
        assertThat(UiCacheHeaders.cacheControl("/index.html", 200)).isEqualTo("no-cache");
        assertThat(UiCacheHeaders.cacheControl("/favicon.svg", 200)).isEqualTo("no-cache");
    }

    @Test
    void theApiOperationsPathsAndErrorsAreLeftAlone() {
        assertThat(UiCacheHeaders.cacheControl("/api/v1/flows", 200)).isNull();
        assertThat(UiCacheHeaders.cacheControl("/api", 200)).isNull();
        assertThat(UiCacheHeaders.cacheControl("/q/health", 200)).isNull();
        assertThat(UiCacheHeaders.cacheControl("/assets/missing.js", 404)).isNull();
        assertThat(UiCacheHeaders.cacheControl("/", 500)).isNull();
        assertThat(UiCacheHeaders.cacheControl("/apiary", 200)).isEqualTo("no-cache");
    }
}
