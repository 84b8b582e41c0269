package io.rowflow.writer.excelonline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Microsoft Graph, as the Excel Online destination calls it: where it is, and how much goes in one request. */
@ConfigMapping(prefix = "rowflow.graph")
public interface GraphConfig {
    /** Graph's REST root, without a trailing slash (a test fake, a national cloud such as graph.microsoft.us). */
    @WithDefault("https://graph.microsoft.com/v1.0")
    String baseUrl();

    /**
     * Bytes per fragment of an upload session, rounded down to a multiple of 320 KiB as Graph requires (at least
     * 320 KiB, under 60 MiB); Microsoft recommends 5 to 10 MiB. A failed fragment is sent again, not the whole file.
     */
    @WithDefault("10485760")
    int uploadChunkBytes();

    /** Cells written per range update in worksheet mode: big enough to need few calls, small enough for Excel's limits. */
    @WithDefault("10000")
    int cellsPerRequest();
}
