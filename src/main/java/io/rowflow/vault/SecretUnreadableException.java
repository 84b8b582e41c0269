package io.rowflow.vault;

/** A stored secret could not be decrypted: never shown with the ciphertext or the plaintext. */
public class SecretUnreadableException extends RuntimeException {
    public SecretUnreadableException(String message) {
        super(message);
    }
}
