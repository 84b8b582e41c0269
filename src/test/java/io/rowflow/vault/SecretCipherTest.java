package io.rowflow.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretCipherTest {
    static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @Test
    void aCiphertextOnlyOpensForTheRecordItIsBoundTo() {
        SecretCipher cipher = new SecretCipher(key());
        String sealed = cipher.encrypt("{\"token\":\"abc\"}", "connection:1");
        assertThat(sealed).startsWith("v2:").doesNotContain("abc");
        assertThat(cipher.decrypt(sealed, "connection:1")).isEqualTo("{\"token\":\"abc\"}");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "connection:2")).isInstanceOf(SecretUnreadableException.class)
                .hasMessageNotContaining("abc");
        assertThat(cipher.encrypt("same", "x")).isNotEqualTo(cipher.encrypt("same", "x"));
    }

    @Test
    void anotherKeyOrATamperedCiphertextFails() {
        String sealed = new SecretCipher(key()).encrypt("secret", "c");
        assertThatThrownBy(() -> new SecretCipher(key()).decrypt(sealed, "c")).isInstanceOf(SecretUnreadableException.class);
        byte[] key = key();
        SecretCipher cipher = new SecretCipher(key);
        String[] parts = cipher.encrypt("secret", "c").split(":");
        byte[] data = Base64.getDecoder().decode(parts[3]);
        data[data.length - 1] ^= 1;
        parts[3] = Base64.getEncoder().encodeToString(data);
        assertThatThrownBy(() -> cipher.decrypt(String.join(":", parts), "c")).isInstanceOf(SecretUnreadableException.class);
    }

    @Test
    void rotationRewrapsTheDataKeyAndKeepsEverySecretReadable() {
        byte[] oldKey = key();
        byte[] newKey = key();
        SecretCipher before = new SecretCipher(oldKey);
        String sealed = before.encrypt("the secret", "connection:7");
        SecretCipher during = new SecretCipher(newKey, List.of(oldKey));
        assertThat(during.needsRewrap(sealed)).isTrue();
        assertThat(during.decrypt(sealed, "connection:7")).isEqualTo("the secret");
        String rewrapped = during.rewrap(sealed, "connection:7");
        assertThat(during.needsRewrap(rewrapped)).isFalse();
        // Only the wrapped data key changed; the encrypted data is the same bytes.
        assertThat(rewrapped.split(":")[3]).isEqualTo(sealed.split(":")[3]);
        assertThat(rewrapped.split(":")[1]).isEqualTo(SecretCipher.keyId(newKey)).isNotEqualTo(sealed.split(":")[1]);
        SecretCipher after = new SecretCipher(newKey);
        assertThat(after.decrypt(rewrapped, "connection:7")).isEqualTo("the secret");
        assertThatThrownBy(() -> after.decrypt(sealed, "connection:7")).isInstanceOf(SecretUnreadableException.class)
                .hasMessageContaining(SecretCipher.keyId(oldKey)).hasMessageNotContaining("the secret");
        assertThatThrownBy(() -> during.rewrap(sealed, "connection:8")).isInstanceOf(SecretUnreadableException.class);
    }

    @Test
    void firstFormatCiphertextsStillDecryptAndMoveToEnvelopes() throws Exception {
        byte[] key = key();
        // A v1 ciphertext as the first version wrote it: the master key used directly, IV then sealed bytes.
        byte[] iv = new byte[12];
        javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, iv));
        aes.updateAAD("connection:1".getBytes());
        byte[] sealed = aes.doFinal("old".getBytes());
        String v1 = "v1:" + Base64.getEncoder().encodeToString(java.nio.ByteBuffer.allocate(12 + sealed.length).put(iv)
                .put(sealed).array());
        SecretCipher cipher = new SecretCipher(key);
        assertThat(cipher.decrypt(v1, "connection:1")).isEqualTo("old");
        assertThat(cipher.needsRewrap(v1)).isTrue();
        assertThat(cipher.decrypt(cipher.rewrap(v1, "connection:1"), "connection:1")).isEqualTo("old");
    }
}
