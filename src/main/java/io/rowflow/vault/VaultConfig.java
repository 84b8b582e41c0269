package io.rowflow.vault;

import io.smallrye.config.ConfigMapping;
import java.util.List;
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

    /**
     * Master keys being rotated away (base64, comma-separated): secrets they wrap still decrypt, and at start-up
     * Rowflow re-wraps them with the current key. Remove a key from here once the log says its secrets are re-wrapped.
     */
    Optional<List<String>> previousMasterKeys();
}
