package io.rowflow.common.web;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * A {@code Content-Disposition: attachment} header value for any file name (RFC 6266): an ASCII {@code filename} for
 * old clients (accents dropped, other characters replaced by {@code _}) and the exact name as
 * {@code filename*=UTF-8''…} (RFC 8187), which every current browser prefers. Header values are ASCII: a name put in
 * as is arrives as {@code ???}.
 */
public final class ContentDisposition {
    private ContentDisposition() {
    }

    public static String attachment(String fileName) {
        return "attachment; filename=\"" + asciiFallback(fileName) + "\"; filename*=UTF-8''" + encode(fileName);
    }

    /** The name in printable ASCII, without quotes or backslashes: "Zoë 日本.xlsx" → "Zoe __.xlsx". */
    static String asciiFallback(String name) {
        String decomposed = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
        StringBuilder out = new StringBuilder();
        decomposed.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? (char) c : '_'));
        return out.toString();
    }

    /** RFC 8187 value-chars: attr-char as is, every other UTF-8 byte as %XX. */
    static String encode(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
