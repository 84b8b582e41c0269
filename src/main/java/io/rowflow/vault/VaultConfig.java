package io.rowflow.vault;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Where the master key that encrypts secrets at rest comes from. */
@ConfigMapping(prefix = "rowflow.vault")
public interface VaultConfig {
    /** The 256-bit master key, base64-encoded. Wins over {@link #masterKeyFile()}. */
    Optional<String> masterKey();

    /**
     * A file holding the base64 master key. When neither this nor {@link #masterKey()} is set, the embedded default
     * generates one into {@code <data folder>/master.key} on first start.
     */
    Optional<String> masterKeyFile();
}
