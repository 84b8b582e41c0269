package io.rowflow.workspace;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.Optional;
import java.util.UUID;

/** Reads who belongs to which workspace with which role. */
@ApplicationScoped
public class Memberships {
    private final EntityManager em;

    public Memberships(EntityManager em) {
        this.em = em;
    }

    public Optional<Role> roleOf(UUID userId, UUID workspaceId) {
        MembershipEntity m = em.find(MembershipEntity.class, new MembershipEntity.Key(workspaceId, userId));
        return Optional.ofNullable(m).map(x -> x.role);
    }

    /** The workspace a caller lands in when the request names none: the one joined first. */
    public Optional<MembershipEntity> firstOf(UUID userId) {
        return em.createQuery("from MembershipEntity where userId = :u order by createdAt, workspaceId",
                MembershipEntity.class).setParameter("u", userId).setMaxResults(1).getResultStream().findFirst();
    }
}
