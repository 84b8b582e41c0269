package io.rowflow.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
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
        assertThat(sealed).startsWith("v1:").doesNotContain("abc");
        assertThat(cipher.decrypt(sealed, "connection:1")).isEqualTo("{\"token\":\"abc\"}");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "connection:2")).isInstanceOf(SecretUnreadableException.class)
                .hasMessageNotContaining("abc");
        assertThat(cipher.encrypt("same", "x")).isNotEqualTo(cipher.encrypt("same", "x"));
    }

    @Test
    void anotherKeyOrATamperedCiphertextFails() {
        String sealed = new SecretCipher(key()).encrypt("secret", "c");
        assertThatThrownBy(() -> new SecretCipher(key()).decrypt(sealed, "c")).isInstanceOf(SecretUnreadableException.class);
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        raw[raw.length - 1] ^= 1;
        SecretCipher cipher = new SecretCipher(key());
        assertThatThrownBy(() -> cipher.decrypt("v1:" + Base64.getEncoder().encodeToString(raw), "c"))
                .isInstanceOf(SecretUnreadableException.class);
    }
}
