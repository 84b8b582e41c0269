package io.rowflow.common.validation;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * A name as people type it: no control characters (NUL, line breaks, tabs, escape, DEL, the C1 range) and no
 * bidirectional overrides or isolates, which make a name display as something else. Null is valid (combine with
 * {@code @NotBlank}).
 */
@Documented
@Constraint(validatedBy = PlainTextValidator.class)
@Target({ FIELD, METHOD, PARAMETER, TYPE_USE })
@Retention(RUNTIME)
public @interface PlainText {
    String message() default "must not contain control characters (such as NUL, line breaks or tabs)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
