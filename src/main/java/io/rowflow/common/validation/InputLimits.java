package io.rowflow.common.validation;

import io.quarkus.hibernate.validator.ValidatorFactoryCustomizer;
import io.rowflow.account.AuthResource;
import io.rowflow.account.TokenResource;
import io.rowflow.workspace.WorkspaceResource;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.validator.BaseHibernateValidatorConfiguration;
import org.hibernate.validator.cfg.ConstraintMapping;
import org.hibernate.validator.cfg.GenericConstraintDef;
import org.hibernate.validator.cfg.defs.EmailDef;
import org.hibernate.validator.cfg.defs.SizeDef;

/**
 * Limits on request fields of the account and workspace APIs, declared here (Bean Validation's programmatic mapping)
 * rather than on their records: an email address is at most {@value #EMAIL_MAX} characters (RFC 5321's path limit)
 * and well-formed, a name holds no control characters. A 10,000-character email answered 500 (the database column
 * refused it); now it is a 422 naming the field. Move these onto the records' components when convenient; the
 * effect is the same.
 */
@ApplicationScoped
public class InputLimits implements ValidatorFactoryCustomizer {
    public static final int EMAIL_MAX = 254;

    @Override
    public void customize(BaseHibernateValidatorConfiguration<?> configuration) {
        ConstraintMapping mapping = configuration.createConstraintMapping();
        mapping.type(WorkspaceResource.MemberRequest.class).field("email").constraint(email()).constraint(new EmailDef());
        mapping.type(AuthResource.SetupRequest.class).field("email").constraint(email()).constraint(new EmailDef())
                .field("name").constraint(plainText());
        mapping.type(AuthResource.SignInRequest.class).field("email").constraint(email());
        mapping.type(WorkspaceResource.WorkspaceRequest.class).field("name").constraint(plainText());
        mapping.type(TokenResource.TokenRequest.class).field("name").constraint(plainText());
        configuration.addMapping(mapping);
    }

    private static SizeDef email() {
        return new SizeDef().max(EMAIL_MAX);
    }

    private static GenericConstraintDef<PlainText> plainText() {
        return new GenericConstraintDef<>(PlainText.class);
    }
}
