package io.rowflow.vault;

import io.quarkus.runtime.StartupEvent;
import io.rowflow.storage.DataFolder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * Envelope encryption of secrets at rest with AES-256-GCM. Each secret gets its own random data key; the data key is
 * wrapped by the master key, whose id travels with the ciphertext ({@code v2:<key id>:<wrapped key>:<data>}). Both
 * layers are bound (additional authenticated data) to the record the secret belongs to, so a ciphertext copied into
 * another row fails to decrypt. Rotating the master key re-wraps the small data keys ({@link #rewrap}); the data is
 * not touched. Ciphertexts of the first format ({@code v1:}, the master key used directly) still decrypt.
 */
@ApplicationScoped
public class SecretCipher {
    private static final Logger LOG = Logger.getLogger(SecretCipher.class);
    private static final String V1 = "v1:";
    private static final String V2 = "v2:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** The master key that wraps new data keys, and its id. */
    private final SecretKey current;
    private final String currentId;
    /** Every master key that can still unwrap, by id: the current one and those being rotated away. */
    private final Map<String, SecretKey> keysById = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    @Inject
    public SecretCipher(VaultConfig config, DataFolder dataFolder) {
        this(loadKey(config, dataFolder), config.previousMasterKeys().orElse(List.of()).stream()
                .map(k -> decodeKey(k, "rowflow.vault.previous-master-keys")).toList());
    }

    /** Loads (or on first start, generates) the master key at start-up, so a bad key stops the server at once. */
    void loadAtStartup(@Observes StartupEvent event) {
        LOG.debugf("Master key %s loaded, %d previous key(s)", currentId, keysById.size() - 1);
    }

    SecretCipher(byte[] key) {
        this(key, List.of());
    }

    public SecretCipher(byte[] key, List<byte[]> previousKeys) {
        this.current = new SecretKeySpec(key, "AES");
        this.currentId = keyId(key);
        keysById.put(currentId, current);
        for (byte[] previous : previousKeys) {
            keysById.putIfAbsent(keyId(previous), new SecretKeySpec(previous, "AES"));
        }
    }

    /** A key's public name: the start of its SHA-256, enough to pick the right key, useless to guess it. */
    static String keyId(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String encrypt(String plaintext, String boundTo) {
        byte[] dataKey = new byte[32];
        random.nextBytes(dataKey);
        byte[] wrapped = seal(current, dataKey, boundTo);
        byte[] data = seal(new SecretKeySpec(dataKey, "AES"), plaintext.getBytes(StandardCharsets.UTF_8), boundTo);
        Base64.Encoder b64 = Base64.getEncoder();
        return V2 + currentId + ":" + b64.encodeToString(wrapped) + ":" + b64.encodeToString(data);
    }

    /** Decrypts a ciphertext bound to {@code boundTo}, or failing that to a former binding (secrets stored earlier). */
    public String decrypt(String ciphertext, String boundTo, String... formerBindings) {
        try {
            return decrypt(ciphertext, boundTo);
        } catch (SecretUnreadableException e) {
            for (String former : formerBindings) {
                try {
                    return decrypt(ciphertext, former);
                } catch (SecretUnreadableException ignored) {
                    // try the next
                }
            }
            throw e;
        }
    }

    public String decrypt(String ciphertext, String boundTo) {
        if (ciphertext.startsWith(V1)) {
            byte[] all = Base64.getDecoder().decode(ciphertext.substring(V1.length()));
            for (SecretKey key : keysById.values()) {
                byte[] plain = open(key, all, boundTo);
                if (plain != null) {
                    return new String(plain, StandardCharsets.UTF_8);
                }
            }
            throw unreadable(boundTo);
        }
        Envelope envelope = Envelope.parse(ciphertext);
        SecretKey master = keysById.get(envelope.keyId());
        if (master == null) {
            throw new SecretUnreadableException("The stored secret for " + boundTo + " was encrypted with master key "
                    + envelope.keyId() + ", which is not configured (current: " + currentId + ")");
        }
        byte[] dataKey = open(master, envelope.wrappedKey(), boundTo);
        byte[] plain = dataKey == null ? null : open(new SecretKeySpec(dataKey, "AES"), envelope.data(), boundTo);
        if (plain == null) {
            throw unreadable(boundTo);
        }
        return new String(plain, StandardCharsets.UTF_8);
    }

    /** Whether a ciphertext is wrapped by an older master key (or uses the first format) and needs {@link #rewrap}. */
    public boolean needsRewrap(String ciphertext) {
        return !ciphertext.startsWith(V2 + currentId + ":");
    }

    /**
     * The same secret wrapped by the current master key. For an envelope only its data key is re-wrapped; a first-format
     * ciphertext is re-encrypted whole.
     */
    public String rewrap(String ciphertext, String boundTo) {
        if (!needsRewrap(ciphertext)) {
            return ciphertext;
        }
        if (ciphertext.startsWith(V1)) {
            return encrypt(decrypt(ciphertext, boundTo), boundTo);
        }
        Envelope envelope = Envelope.parse(ciphertext);
        SecretKey master = keysById.get(envelope.keyId());
        byte[] dataKey = master == null ? null : open(master, envelope.wrappedKey(), boundTo);
        if (dataKey == null) {
            throw unreadable(boundTo);
        }
        Base64.Encoder b64 = Base64.getEncoder();
        return V2 + currentId + ":" + b64.encodeToString(seal(current, dataKey, boundTo)) + ":"
                + b64.encodeToString(envelope.data());
    }

    private record Envelope(String keyId, byte[] wrappedKey, byte[] data) {
        static Envelope parse(String ciphertext) {
            String[] parts = ciphertext.split(":");
            if (parts.length != 4 || !ciphertext.startsWith(V2)) {
                throw new SecretUnreadableException("Unknown secret format");
            }
            Base64.Decoder b64 = Base64.getDecoder();
            return new Envelope(parts[1], b64.decode(parts[2]), b64.decode(parts[3]));
        }
    }

    private byte[] seal(SecretKey key, byte[] plain, String boundTo) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The plaintext, or null when the key or the binding is wrong or the bytes were changed. */
    private static byte[] open(SecretKey key, byte[] ivAndSealed, String boundTo) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, ivAndSealed, 0, IV_BYTES));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(ivAndSealed, IV_BYTES, ivAndSealed.length - IV_BYTES);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    private static SecretUnreadableException unreadable(String boundTo) {
        return new SecretUnreadableException("The stored secret cannot be decrypted for " + boundTo
                + " (wrong master key, or a ciphertext that belongs to another record)");
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
            // Created 0600 before the key is written: there is no moment at which another account could read it.
            DataFolder.createPrivateFile(file);
            Files.writeString(file, Base64.getEncoder().encodeToString(generated));
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
