package io.rowflow.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.testing.FakeSheets;
import io.rowflow.google.GoogleApis;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a user reads when Google refuses: a Drive 404 (a plain HTML page, not Google's JSON error) is said as the 404 it
 * is, not as Google being unreachable.
 */
class GoogleErrorWordingTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDrive404IsSaidAsNotFoundAndOnlyNoAnswerAsUnreachable() throws Exception {
        FakeSheets fake = new FakeSheets();
        String base = fake.startAlone();
        try {
            GoogleApis.Session session = new GoogleApis(FakeSheets.writerConfig(base, java.time.Duration.ofMillis(10))).open(UUID.randomUUID(),
                    JSON.createObjectNode().put("service_account_key", fake.serviceAccountKey()), null);
            fake.create("Listed");
            GoogleApis google = new GoogleApis(FakeSheets.writerConfig(base, java.time.Duration.ofMillis(10)));
            assertThat(google.spreadsheets(session)).extracting(f -> f.get("name")).contains("Listed");

            fake.driveNotFound = true;
            IOException notFound = catchThrowableOfType(IOException.class, () -> google.spreadsheets(session));
            UpstreamException said = GoogleApis.translate(notFound, "listing the spreadsheets");
            assertThat(said.getMessage()).isEqualTo("Google does not know this spreadsheet (or the connected account"
                    + " cannot see it): check its URL or id, and that it is shared with the account (listing the"
                    + " spreadsheets)");
            assertThat(said.status()).isEqualTo(404);
            assertThat(said.passing()).isFalse();
        } finally {
            fake.stop();
        }
    }
}
