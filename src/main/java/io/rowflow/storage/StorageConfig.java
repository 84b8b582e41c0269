package io.rowflow.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Where Rowflow keeps files on local disk. */
@ConfigMapping(prefix = "rowflow.storage")
public interface StorageConfig {
    /** The data folder: the embedded database, the master key, run staging areas and written files. */
    @WithDefault("data")
    Path dataDir();
}
