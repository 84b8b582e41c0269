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

    /** A pending invitation: the same shape whether or not the email has an account. */
    public record InvitationView(UUID id, UUID workspaceId, String workspaceName, String email, Role role,
            String status, Instant invitedAt) {
    }

    public List<WorkspaceView> mine(UUID userId) {
        return em.createQuery("select w, m.role from WorkspaceEntity w join MembershipEntity m on m.workspaceId = w.id"
                + " where m.userId = :u order by m.createdAt, w.id", Object[].class).setParameter("u", userId)
                .getResultList().stream().map(r -> {
                    WorkspaceEntity w = (WorkspaceEntity) r[0];
                    return new WorkspaceView(w.id, w.name, (Role) r[1]);
                }).toList();
    }

    /** Only the organization's owners and admins create workspaces; the creator becomes its owner. */
    @Transactional
    public WorkspaceView create(String name) {
        UserEntity user = accounts.user(caller.userId());
        if (!user.mayCreateWorkspaces()) {
            throw new AccessDeniedException("Only owners and admins of the organization create workspaces; ask one of"
                    + " them to create it and invite you");
        }
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
     * Invites an email to the workspace with a role; the person becomes a member only once they accept, signed in.
     * The answer is the same whether or not the email has an account, so it tells nothing about accounts. In the
     * embedded default, a password creates the local account of an email that has none (for an email that has one it
     * is ignored, after the same hash, so that the time does not tell either). Inviting an email again updates the
     * role of its pending invitation.
     */
    @Transactional
    public InvitationView invite(UUID workspaceId, String email, Role role, String password) {
        mayGrant(role);
        String normalized = AccountService.normalizeEmail(email);
        if (password != null && password.length() < AccountService.MIN_PASSWORD_LENGTH) {
            throw InvalidInputException.field("password", "must have at least " + AccountService.MIN_PASSWORD_LENGTH
                    + " characters");
        }
        UserEntity user = accounts.findByEmail(normalized);
        if (user != null && em.find(MembershipEntity.class, new MembershipEntity.Key(workspaceId, user.id)) != null) {
            // The members list shows them already: this tells the caller nothing new.
            throw new ConflictException(normalized + " is a member already; change their role instead");
        }
        if (password != null) {
            if (user == null) {
                UserEntity created = accounts.createUser(normalized, null, password);
                audit.record("account.created", "user:" + created.id, created.email);
            } else {
                io.rowflow.account.PasswordHasher.hash(password); // the same time as creating the account
            }
        }
        InvitationEntity invitation = em.createQuery("from InvitationEntity where workspaceId = :w and email = :e",
                InvitationEntity.class).setParameter("w", workspaceId).setParameter("e", normalized)
                .getResultStream().findFirst().orElse(null);
        boolean fresh = invitation == null;
        if (fresh) {
            invitation = new InvitationEntity();
            invitation.id = UUID.randomUUID();
            invitation.workspaceId = workspaceId;
            invitation.email = normalized;
        }
        invitation.role = role;
        invitation.invitedBy = caller.userId();
        invitation.createdAt = Instant.now();
        if (fresh) {
            em.persist(invitation);
        }
        audit.record("member.invited", "invitation:" + invitation.id, normalized + " as " + role.id());
        return view(invitation);
    }

    /** The workspace's pending invitations. */
    public List<InvitationView> invitations(UUID workspaceId) {
        return em.createQuery("from InvitationEntity where workspaceId = :w order by createdAt, email",
                InvitationEntity.class).setParameter("w", workspaceId).getResultList().stream().map(this::view).toList();
    }

    @Transactional
    public void revokeInvitation(UUID workspaceId, UUID invitationId) {
        InvitationEntity invitation = em.find(InvitationEntity.class, invitationId);
        if (invitation == null || !invitation.workspaceId.equals(workspaceId)) {
            throw NotFoundException.of("Invitation", invitationId);
        }
        mayGrant(invitation.role);
        em.remove(invitation);
        audit.record("invitation.revoked", "invitation:" + invitationId, invitation.email);
    }

    /** The invitations waiting for the signed-in caller's email. */
    public List<InvitationView> invitationsFor(String email) {
        return em.createQuery("from InvitationEntity where email = :e order by createdAt", InvitationEntity.class)
                .setParameter("e", email).getResultList().stream().map(this::view).toList();
    }

    /** The caller accepts an invitation to their email: they become a member with its role. */
    @Transactional
    public MemberView accept(UUID invitationId) {
        InvitationEntity invitation = invitationOfCaller(invitationId);
        UserEntity user = accounts.user(caller.userId());
        MembershipEntity membership = em.find(MembershipEntity.class,
                new MembershipEntity.Key(invitation.workspaceId, user.id));
        if (membership == null) {
            accounts.join(user.id, invitation.workspaceId, invitation.role);
            membership = em.find(MembershipEntity.class, new MembershipEntity.Key(invitation.workspaceId, user.id));
        }
        em.remove(invitation);
        audit.recordFor(invitation.workspaceId, user.id, user.email, "invitation.accepted", "user:" + user.id,
                user.email + " as " + invitation.role.id());
        return view(membership, user);
    }

    @Transactional
    public void decline(UUID invitationId) {
        InvitationEntity invitation = invitationOfCaller(invitationId);
        em.remove(invitation);
        audit.recordFor(invitation.workspaceId, caller.userId(), caller.email(), "invitation.declined",
                "invitation:" + invitationId, invitation.email);
    }

    /** Someone else's invitation is answered like one that does not exist. */
    private InvitationEntity invitationOfCaller(UUID invitationId) {
        InvitationEntity invitation = em.find(InvitationEntity.class, invitationId);
        if (invitation == null || !invitation.email.equals(caller.email())) {
            throw NotFoundException.of("Invitation", invitationId);
        }
        return invitation;
    }

    private InvitationView view(InvitationEntity i) {
        WorkspaceEntity workspace = em.find(WorkspaceEntity.class, i.workspaceId);
        return new InvitationView(i.id, i.workspaceId, workspace.name, i.email, i.role, "pending", i.createdAt);
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
