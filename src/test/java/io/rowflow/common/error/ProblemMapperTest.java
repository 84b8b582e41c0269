package io.rowflow.common.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.rowflow.transform.TransformException;
import io.rowflow.vault.SecretUnreadableException;
import org.junit.jupiter.api.Test;

/** A feature's exception answers the status of the base exception it extends; the table names no feature. */
class ProblemMapperTest {
    @Test
    void statusesFollowTheNearestListedSuperclass() {
        assertThat(ProblemMapper.statusOf(InvalidInputException.class)).isEqualTo(422);
        assertThat(ProblemMapper.statusOf(TransformException.class)).isEqualTo(422);
        assertThat(ProblemMapper.statusOf(BusyException.class)).isEqualTo(503);
        assertThat(ProblemMapper.statusOf(TooManyRequestsException.class)).isEqualTo(429);
        assertThat(ProblemMapper.statusOf(SecretUnreadableException.class)).isEqualTo(500);
        assertThat(ProblemMapper.STATUS_BY_EXCEPTION.keySet()).allMatch(c -> c.getPackageName()
                .equals(ProblemMapper.class.getPackageName()));
    }
}
