package io.rowflow.google;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Google Sheets: where its APIs are, and the quotas Rowflow keeps before Google has to refuse. */
@ConfigMapping(prefix = "rowflow.sheets")
public interface SheetsConfig {
    /** The Sheets API (a test fake, a proxy). */
    @WithDefault("https://sheets.googleapis.com/")
    String rootUrl();

    /** The Drive API, to list the spreadsheets an account can pick from. */
    @WithDefault("https://www.googleapis.com/")
    String driveRootUrl();

    /** Where service-account keys get their tokens: a key naming another token_uri is refused. */
    @WithDefault("https://oauth2.googleapis.com/token")
    String tokenUrl();

    /** Google's default quota: write requests per minute per user (here: per connection). */
    @WithDefault("60")
    int writesPerMinutePerUser();

    /** Google's default quota: write requests per minute per project (here: per Rowflow node). */
    @WithDefault("300")
    int writesPerMinute();

    /** Largest request body sent; Google recommends staying under 2 MB. */
    @WithDefault("1800000")
    int chunkBytes();

    /** First wait after a 429 or 5xx; it doubles (with jitter) up to a minute. */
    @WithDefault("1s")
    Duration initialBackoff();
}
