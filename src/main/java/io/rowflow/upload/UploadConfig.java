package io.rowflow.upload;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Files people upload in the browser (an .xlsx to read as a source). */
@ConfigMapping(prefix = "rowflow.uploads")
public interface UploadConfig {
    /**
     * Largest file one upload may be. Uploads are the one request body allowed past rowflow.web.max-body-size;
     * the bytes go straight to the data folder, never into memory, and a larger upload is refused with 413.
     */
    @WithDefault("50M")
    MemorySize maxSize();
}
