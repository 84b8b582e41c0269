package io.rowflow.vault;

import io.rowflow.storage.DataFolder;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * AES-256-GCM encryption of secrets at rest. Each ciphertext is bound (as additional authenticated data) to the
 * record it belongs to, so a ciphertext copied into another row fails to decrypt.
 */
@ApplicationScoped
public class SecretCipher {
    private static final Logger LOG = Logger.getLogger(SecretCipher.class);
    private static final String FORMAT = "v1:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public SecretCipher(VaultConfig config, DataFolder dataFolder) {
        this.key = new SecretKeySpec(loadKey(config, dataFolder), "AES");
    }

    /** Loads (or on first start, generates) the master key at start-up, so a bad key stops the server at once. */
    void loadAtStartup(@Observes StartupEvent event) {
        LOG.debug("Master key loaded");
    }

    SecretCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    public String encrypt(String plaintext, String boundTo) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return FORMAT + Base64.getEncoder().encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                    .put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Decrypts a ciphertext bound to {@code boundTo}, or failing that to {@code formerBinding} (secrets stored earlier). */
    public String decrypt(String ciphertext, String boundTo, String formerBinding) {
        try {
            return decrypt(ciphertext, boundTo);
        } catch (SecretUnreadableException e) {
            try {
                return decrypt(ciphertext, formerBinding);
            } catch (SecretUnreadableException ignored) {
                throw e;
            }
        }
    }

    public String decrypt(String ciphertext, String boundTo) {
        if (!ciphertext.startsWith(FORMAT)) {
            throw new SecretUnreadableException("Unknown secret format");
        }
        byte[] all = Base64.getDecoder().decode(ciphertext.substring(FORMAT.length()));
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new SecretUnreadableException("The stored secret cannot be decrypted for " + boundTo
                    + " (wrong master key, or a ciphertext that belongs to another record)");
        }
    }

    private static byte[] loadKey(VaultConfig config, DataFolder dataFolder) {
        if (config.masterKey().isPresent()) {
            return decodeKey(config.masterKey().get(), "rowflow.vault.master-key");
        }
        Path file = config.masterKeyFile().map(Path::of).orElse(dataFolder.root().resolve("master.key"));
        try {
            if (Files.exists(file)) {
                return decodeKey(Files.readString(file).trim(), file.toString());
            }
            if (config.masterKeyFile().isPresent()) {
                throw new IllegalStateException("The master key file " + file + " does not exist");
            }
            byte[] generated = new byte[32];
            new SecureRandom().nextBytes(generated);
            Files.writeString(file, Base64.getEncoder().encodeToString(generated));
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system; the folder's own permissions apply.
            }
            LOG.infof("Generated a new master key in %s: back it up, secrets cannot be read without it", file);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key " + file, e);
        }
    }

    private static byte[] decodeKey(String base64, String origin) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(origin + " is not valid base64");
        }
        if (key.length != 32) {
            throw new IllegalStateException(origin + " must hold 32 bytes (AES-256), it holds " + key.length);
        }
        return key;
    }
}
