package io.rowflow.workspace;

import io.rowflow.account.AccountService;
import io.rowflow.account.UserEntity;
import io.rowflow.audit.AuditLog;
import io.rowflow.common.error.AccessDeniedException;
import io.rowflow.common.error.ConflictException;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.error.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Workspaces and their members. */
@ApplicationScoped
public class WorkspaceService {
    private final EntityManager em;
    private final AccountService accounts;
    private final AuditLog audit;
    private final Caller caller;

    public WorkspaceService(EntityManager em, AccountService accounts, AuditLog audit, Caller caller) {
        this.em = em;
        this.accounts = accounts;
        this.audit = audit;
        this.caller = caller;
    }

    public record WorkspaceView(UUID id, String name, Role role) {
    }

    public record MemberView(UUID userId, String email, String name, Role role, Instant joinedAt) {
    }

    public List<WorkspaceView> mine(UUID userId) {
        return em.createQuery("select w, m.role from WorkspaceEntity w join MembershipEntity m on m.workspaceId = w.id"
                + " where m.userId = :u order by m.createdAt, w.id", Object[].class).setParameter("u", userId)
                .getResultList().stream().map(r -> {
                    WorkspaceEntity w = (WorkspaceEntity) r[0];
                    return new WorkspaceView(w.id, w.name, (Role) r[1]);
                }).toList();
    }

    @Transactional
    public WorkspaceView create(String name) {
        UserEntity user = accounts.user(caller.userId());
        WorkspaceEntity workspace = new WorkspaceEntity();
        workspace.id = UUID.randomUUID();
        workspace.organizationId = user.organizationId;
        workspace.name = name.strip();
        workspace.createdAt = Instant.now();
        em.persist(workspace);
        accounts.join(user.id, workspace.id, Role.OWNER);
        audit.recordFor(workspace.id, user.id, user.email, "workspace.created", "workspace:" + workspace.id, workspace.name);
        return new WorkspaceView(workspace.id, workspace.name, Role.OWNER);
    }

    public List<MemberView> members(UUID workspaceId) {
        return em.createQuery("select m, u from MembershipEntity m join UserEntity u on u.id = m.userId"
                + " where m.workspaceId = :w order by m.createdAt, u.email", Object[].class).setParameter("w", workspaceId)
                .getResultList().stream().map(r -> view((MembershipEntity) r[0], (UserEntity) r[1])).toList();
    }

    /**
     * Adds a person of the organization to the workspace. In the embedded default, where people have local accounts,
     * a new email with a password creates the account.
     */
    @Transactional
    public MemberView add(UUID workspaceId, String email, Role role, String password) {
        mayGrant(role);
        UserEntity user = accounts.findByEmail(email);
        if (user == null) {
            if (password == null) {
                throw InvalidInputException.field("email", "no account has this email; give a password to create one");
            }
            user = accounts.createUser(email, null, password);
            audit.record("account.created", "user:" + user.id, user.email);
        }
        if (em.find(MembershipEntity.class, new MembershipEntity.Key(workspaceId, user.id)) != null) {
            throw new ConflictException(user.email + " is a member already; change their role instead");
        }
        accounts.join(user.id, workspaceId, role);
        audit.record("member.added", "user:" + user.id, user.email + " as " + role.id());
        return view(em.find(MembershipEntity.class, new MembershipEntity.Key(workspaceId, user.id)), user);
    }

    @Transactional
    public MemberView changeRole(UUID workspaceId, UUID userId, Role role) {
        MembershipEntity membership = membership(workspaceId, userId);
        mayGrant(membership.role);
        mayGrant(role);
        if (membership.role == Role.OWNER && role != Role.OWNER) {
            keepAnOwner(workspaceId);
        }
        Role before = membership.role;
        membership.role = role;
        UserEntity user = accounts.user(userId);
        audit.record("member.role-changed", "user:" + userId, user.email + ": " + before.id() + " -> " + role.id());
        return view(membership, user);
    }

    @Transactional
    public void remove(UUID workspaceId, UUID userId) {
        MembershipEntity membership = membership(workspaceId, userId);
        mayGrant(membership.role);
        if (membership.role == Role.OWNER) {
            keepAnOwner(workspaceId);
        }
        em.remove(membership);
        audit.record("member.removed", "user:" + userId, accounts.user(userId).email);
    }

    private MembershipEntity membership(UUID workspaceId, UUID userId) {
        MembershipEntity membership = em.find(MembershipEntity.class, new MembershipEntity.Key(workspaceId, userId));
        if (membership == null) {
            throw NotFoundException.of("Member", userId);
        }
        return membership;
    }

    /** Only owners grant, change or remove the owner role; admins manage everyone else. */
    private void mayGrant(Role role) {
        if (role == Role.OWNER && caller.role() != Role.OWNER) {
            throw new AccessDeniedException("Only an owner may grant, change or remove the owner role");
        }
    }

    private void keepAnOwner(UUID workspaceId) {
        long owners = em.createQuery("select count(m) from MembershipEntity m where m.workspaceId = :w and m.role = :r",
                Long.class).setParameter("w", workspaceId).setParameter("r", Role.OWNER).getSingleResult();
        if (owners <= 1) {
            throw new ConflictException("A workspace keeps at least one owner; make someone else owner first");
        }
    }

    private static MemberView view(MembershipEntity m, UserEntity u) {
        return new MemberView(u.id, u.email, u.displayName, m.role, m.createdAt);
    }
}
