package io.rowflow.account;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.digest.Digests;
import io.rowflow.common.digest.RandomTokens;
import io.rowflow.common.error.AccessDeniedException;
import io.rowflow.common.error.ConflictException;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.error.NotFoundException;
import io.rowflow.common.error.NotSignedInException;
import io.rowflow.common.error.TooManyRequestsException;
import io.rowflow.workspace.MembershipEntity;
import io.rowflow.workspace.OrganizationEntity;
import io.rowflow.workspace.Role;
import io.rowflow.workspace.WorkspaceEntity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Local accounts, sign-in with lockout, browser sessions and personal access tokens. */
@ApplicationScoped
public class AccountService {
    private static final Logger LOG = Logger.getLogger(AccountService.class);
    public static final String TOKEN_PREFIX = "rf_pat_";
    public static final int MIN_PASSWORD_LENGTH = 12;
    /** Verified against when the email is unknown, so both answers take the time of one Argon2 hash. */
    private static final String DUMMY_HASH = PasswordHasher.hash("rowflow-no-such-account");

    private final EntityManager em;
    private final AccountConfig config;
    private final AuditLog audit;
    private final SignInThrottle throttle;

    public AccountService(EntityManager em, AccountConfig config, AuditLog audit, SignInThrottle throttle) {
        this.em = em;
        this.config = config;
        this.audit = audit;
        this.throttle = throttle;
    }

    /** Creates the first admin from ROWFLOW_ADMIN_EMAIL / ROWFLOW_ADMIN_PASSWORD when no account exists yet. */
    void createFirstAdmin(@Observes StartupEvent event) {
        if (config.adminEmail().isEmpty() || config.adminPassword().isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> {
            if (lockOrganizationAndCountUsers() == 0) {
                UserEntity admin = createUser(config.adminEmail().get(), "Admin", config.adminPassword().get());
                admin.organizationRole = UserEntity.ORG_OWNER;
                join(admin.id, WorkspaceEntity.DEFAULT_ID, Role.OWNER);
                audit.recordFor(null, admin.id, admin.email, "account.created", "user:" + admin.id, "first admin, from configuration");
                LOG.infof("Created the first admin account %s", admin.email);
            }
        });
    }

    public boolean setupNeeded() {
        return em.createQuery("select count(u) from UserEntity u", Long.class).getSingleResult() == 0;
    }

    /** The one-time setup: the first person creates the admin account, who owns the default workspace. */
    @Transactional
    public UserEntity setUp(String email, String name, String password) {
        if (lockOrganizationAndCountUsers() > 0) {
            throw new ConflictException("Rowflow is already set up; sign in instead");
        }
        UserEntity admin = createUser(email, name, password);
        admin.organizationRole = UserEntity.ORG_OWNER;
        join(admin.id, WorkspaceEntity.DEFAULT_ID, Role.OWNER);
        audit.recordFor(null, admin.id, admin.email, "account.created", "user:" + admin.id, "first admin, by setup");
        return admin;
    }

    /** Serializes the first-admin checks: of two concurrent setups, one wins. */
    private long lockOrganizationAndCountUsers() {
        em.find(OrganizationEntity.class, OrganizationEntity.DEFAULT_ID, LockModeType.PESSIMISTIC_WRITE);
        return em.createQuery("select count(u) from UserEntity u", Long.class).getSingleResult();
    }

    /** Creates a local account in the default organization. */
    @Transactional(Transactional.TxType.MANDATORY)
    public UserEntity createUser(String email, String name, String password) {
        String normalized = normalizeEmail(email);
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw InvalidInputException.field("password", "must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (findByEmail(normalized) != null) {
            throw new ConflictException("An account with the email " + normalized + " exists already");
        }
        UserEntity user = new UserEntity();
        user.id = UUID.randomUUID();
        user.organizationId = OrganizationEntity.DEFAULT_ID;
        user.email = normalized;
        user.displayName = name == null || name.isBlank() ? normalized : name.strip();
        user.passwordHash = PasswordHasher.hash(password);
        user.createdAt = Instant.now();
        em.persist(user);
        return user;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void join(UUID userId, UUID workspaceId, Role role) {
        MembershipEntity membership = new MembershipEntity();
        membership.workspaceId = workspaceId;
        membership.userId = userId;
        membership.role = role;
        membership.createdAt = Instant.now();
        em.persist(membership);
    }

    public UserEntity findByEmail(String email) {
        return em.createQuery("from UserEntity where email = :e", UserEntity.class).setParameter("e", normalizeEmail(email))
                .getResultStream().findFirst().orElse(null);
    }

    public UserEntity user(UUID id) {
        UserEntity user = em.find(UserEntity.class, id);
        if (user == null) {
            throw NotFoundException.of("User", id);
        }
        return user;
    }

    public static String normalizeEmail(String email) {
        String normalized = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        if (!normalized.matches("[^@\\s]+@[^@\\s]+")) {
            throw InvalidInputException.field("email", "not an email address");
        }
        return normalized;
    }

    /** A signed-in browser: the cookie value and the CSRF token its writes must carry. */
    public record Session(String id, String csrfToken, UserEntity user, Duration lifetime) {
    }

    /**
     * Checks an email and password from a client address. {@link SignInThrottle} decides first, before any hash, whether
     * the attempt may go ahead; after {@code max-failed-sign-ins} failures with one email from one address, that
     * address waits {@code lockout} for that email (429), while the account stays open to every other address. An
     * unknown email and a wrong password get the same answers, throttling included, in the same time (a dummy hash).
     */
    public Session signIn(String email, String password, String clientAddress) {
        SignInThrottle.Attempt attempt = throttle.begin(email, clientAddress);
        try {
            Session session = checkCredentials(email, password == null ? "" : password, attempt);
            attempt.succeeded();
            return session;
        } finally {
            attempt.notChecked(); // a no-op once the attempt succeeded or failed
        }
    }

    private Session checkCredentials(String email, String password, SignInThrottle.Attempt attempt) {
        Instant now = Instant.now();
        String normalized;
        try {
            normalized = normalizeEmail(email);
        } catch (InvalidInputException e) {
            throw failure(attempt);
        }
        UserEntity[] found = new UserEntity[1];
        boolean right = throttle.checkPassword(() -> {
            found[0] = QuarkusTransaction.requiringNew().call(() -> findByEmail(normalized));
            String hash = found[0] == null || found[0].passwordHash == null ? DUMMY_HASH : found[0].passwordHash;
            return PasswordHasher.verify(password, hash) && hash != DUMMY_HASH;
        });
        UserEntity user = found[0];
        if (user == null || user.passwordHash == null) {
            QuarkusTransaction.requiringNew().run(() -> audit.recordFor(null, null, normalized, "sign-in.failed", null,
                    "no such account"));
            throw failure(attempt);
        }
        if (!right) {
            QuarkusTransaction.requiringNew().run(() -> recordFailure(user.id));
            throw failure(attempt);
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Session session = newSession(em.find(UserEntity.class, user.id), now);
            audit.recordFor(null, user.id, user.email, "sign-in", null, null);
            return session;
        });
    }

    /** "Wrong email or password", or the throttle's refusal when this failure reached a limit. */
    private static RuntimeException failure(SignInThrottle.Attempt attempt) {
        TooManyRequestsException limited = attempt.failed();
        return limited != null ? limited : wrongCredentials();
    }

    /**
     * Signs in someone the identity provider vouched for, by their verified email. Unknown people are refused unless
     * {@code oidc-new-user-role} is set, in which case they get an account (without a password) and join the default
     * workspace with that role.
     */
    public Session signInWithIdentityProvider(String email, Boolean emailVerified, String name) {
        if (email == null || Boolean.FALSE.equals(emailVerified)) {
            throw new AccessDeniedException("The identity provider did not vouch for an email address; Rowflow needs"
                    + " a verified email to know who you are");
        }
        String normalized = normalizeEmail(email);
        return QuarkusTransaction.requiringNew().call(() -> {
            UserEntity user = findByEmail(normalized);
            if (user == null) {
                Role role = config.oidcNewUserRole().orElseThrow(() -> new AccessDeniedException("There is no Rowflow"
                        + " account for " + normalized + "; ask an admin of your workspace to add you"));
                user = new UserEntity();
                user.id = UUID.randomUUID();
                user.organizationId = OrganizationEntity.DEFAULT_ID;
                user.email = normalized;
                user.displayName = name == null || name.isBlank() ? normalized : name.strip();
                user.createdAt = Instant.now();
                em.persist(user);
                join(user.id, WorkspaceEntity.DEFAULT_ID, role);
                audit.recordFor(null, user.id, user.email, "account.created", "user:" + user.id,
                        "from the identity provider, as " + role.id());
            }
            Session session = newSession(user, Instant.now());
            audit.recordFor(null, user.id, user.email, "sign-in", null, "through the identity provider");
            return session;
        });
    }

    private Session newSession(UserEntity user, Instant now) {
        // Ended sessions go as new ones start: the table holds live sessions, not history (the audit log has that).
        em.createQuery("delete from SessionEntity where expiresAt < :now").setParameter("now", now).executeUpdate();
        user.failedSignIns = 0;
        user.lockedUntil = null;
        String sessionId = RandomTokens.next();
        SessionEntity session = new SessionEntity();
        session.idHash = Digests.sha256(sessionId);
        session.userId = user.id;
        session.csrfToken = RandomTokens.next();
        session.createdAt = now;
        session.expiresAt = now.plus(config.sessionTimeout());
        em.persist(session);
        return new Session(sessionId, session.csrfToken, user, config.sessionTimeout());
    }

    /** Counts a wrong password for the audit log; it locks nothing (the throttle works per address). */
    private void recordFailure(UUID userId) {
        UserEntity user = em.find(UserEntity.class, userId, LockModeType.PESSIMISTIC_WRITE);
        user.failedSignIns++;
        audit.recordFor(null, user.id, user.email, "sign-in.failed", null,
                "wrong password (" + user.failedSignIns + " in a row)");
    }

    private static NotSignedInException wrongCredentials() {
        return new NotSignedInException("Wrong email or password");
    }

    @Transactional
    public void signOut(String sessionId) {
        SessionEntity session = em.find(SessionEntity.class, Digests.sha256(sessionId));
        if (session != null) {
            em.remove(session);
            audit.record("sign-out", null, null);
        }
    }

    /** The caller behind a session cookie, or null when the session is unknown or over. */
    CallerIdentity callerForSession(String sessionId) {
        String hash = Digests.sha256(sessionId);
        SessionEntity session = em.find(SessionEntity.class, hash);
        if (session == null || session.expiresAt.isBefore(Instant.now())) {
            return null;
        }
        UserEntity user = em.find(UserEntity.class, session.userId);
        return new CallerIdentity(user.id, user.email, true, session.csrfToken, "session:" + hash);
    }

    /** The caller behind an API token, or null when it is unknown, expired or revoked. */
    CallerIdentity callerForToken(String token) {
        if (!token.startsWith(TOKEN_PREFIX)) {
            return null;
        }
        ApiTokenEntity entity = em.createQuery("from ApiTokenEntity where tokenHash = :h", ApiTokenEntity.class)
                .setParameter("h", Digests.sha256(token)).getResultStream().findFirst().orElse(null);
        Instant now = Instant.now();
        if (entity == null || entity.revokedAt != null || (entity.expiresAt != null && entity.expiresAt.isBefore(now))) {
            return null;
        }
        // Recorded at most once a minute per token: a busy script should not turn every read into a write.
        if (entity.lastUsedAt == null || entity.lastUsedAt.isBefore(now.minusSeconds(60))) {
            entity.lastUsedAt = now;
        }
        UserEntity user = em.find(UserEntity.class, entity.userId);
        return new CallerIdentity(user.id, user.email, false, null, "token:" + entity.id);
    }

    /** A new token, returned in clear this once. */
    public record CreatedToken(ApiTokenEntity entity, String token) {
    }

    @Transactional
    public CreatedToken createToken(UUID userId, String name, Integer expiresInDays) {
        String token = TOKEN_PREFIX + RandomTokens.next();
        ApiTokenEntity entity = new ApiTokenEntity();
        entity.id = UUID.randomUUID();
        entity.userId = userId;
        entity.name = name.strip();
        entity.tokenHash = Digests.sha256(token);
        entity.prefix = token.substring(0, TOKEN_PREFIX.length() + 4);
        entity.createdAt = Instant.now();
        entity.expiresAt = expiresInDays == null ? null : entity.createdAt.plus(Duration.ofDays(expiresInDays));
        em.persist(entity);
        audit.record("token.created", "token:" + entity.id, entity.name);
        return new CreatedToken(entity, token);
    }

    public List<ApiTokenEntity> tokens(UUID userId) {
        return em.createQuery("from ApiTokenEntity where userId = :u and revokedAt is null order by createdAt",
                ApiTokenEntity.class).setParameter("u", userId).getResultList();
    }

    @Transactional
    public void revokeToken(UUID userId, UUID tokenId) {
        ApiTokenEntity entity = em.find(ApiTokenEntity.class, tokenId);
        if (entity == null || !entity.userId.equals(userId) || entity.revokedAt != null) {
            throw NotFoundException.of("Token", tokenId);
        }
        entity.revokedAt = Instant.now();
        audit.record("token.revoked", "token:" + entity.id, entity.name);
    }

}
