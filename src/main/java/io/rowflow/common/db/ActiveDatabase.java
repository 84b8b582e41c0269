package io.rowflow.common.db;

import io.quarkus.hibernate.orm.PersistenceUnit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;

/** Hands out the entity manager of whichever database {@code rowflow.db.kind} activated. */
@ApplicationScoped
public class ActiveDatabase {
    @Produces
    @Singleton
    EntityManager entityManager(DatabaseConfig config,
            @PersistenceUnit("embedded") Instance<EntityManager> embedded,
            @PersistenceUnit("pg") Instance<EntityManager> pg) {
        return config.kind() == DatabaseConfig.Kind.POSTGRESQL ? pg.get() : embedded.get();
    }
}
