package io.rowflow.common.validation;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks {@link PlainText}. */
public class PlainTextValidator implements ConstraintValidator<PlainText, CharSequence> {
    @Override
    public boolean isValid(CharSequence value, ConstraintValidatorContext context) {
        return value == null || isPlain(value);
    }

    /** Whether {@code value} has no control character (Unicode Cc) and no bidirectional override or isolate. */
    public static boolean isPlain(CharSequence value) {
        return value.codePoints().noneMatch(c -> Character.getType(c) == Character.CONTROL
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069));
    }
}
