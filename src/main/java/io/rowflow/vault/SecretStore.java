package io.rowflow.vault;

/**
 * A feature that keeps secrets encrypted under the master key (connection settings, notification addresses). Each one
 * re-wraps its own rows, since only it knows their binding; {@link VaultRewrap} asks them all.
 */
public interface SecretStore {
    /** Re-wraps every stored secret that {@code cipher} finds wrapped by an older master key; safe to repeat. */
    RewrapReport rewrap(SecretCipher cipher);
}
