package io.rowflow.vault;

import io.rowflow.common.error.RowflowException;

/**
 * A stored secret could not be decrypted (a wrong master key, or a ciphertext copied from another record); the
 * message never holds the ciphertext or the plaintext.
 */
public class SecretUnreadableException extends RowflowException {
    public SecretUnreadableException(String message) {
        super(message);
    }

    @Override
    public String problemType() {
        return "secret-unreadable";
    }

    @Override
    public String title() {
        return "Stored secret unreadable";
    }
}
