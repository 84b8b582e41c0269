package io.rowflow.writer.bigquery;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import io.rowflow.common.error.UpstreamException;
import java.io.IOException;
import java.util.Locale;

/** BigQuery's refusals as sentences a user can act on, BigQuery's own message kept beside them. */
final class BigQueryErrors {
    private BigQueryErrors() {
    }

    static UpstreamException translate(IOException e, String doing, String project) {
        if (!(e instanceof HttpResponseException answered)) {
            return new UpstreamException("Could not reach BigQuery while " + doing + "; this may pass, so the run may"
                    + " retry", e.getMessage(), e, true, 0);
        }
        int status = answered.getStatusCode();
        GoogleJsonError details = e instanceof GoogleJsonResponseException google ? google.getDetails() : null;
        String message = details != null && details.getMessage() != null ? details.getMessage()
                : answered.getStatusMessage();
        String reason = details != null && details.getErrors() != null && !details.getErrors().isEmpty()
                ? details.getErrors().get(0).getReason() : "";
        String said = message == null ? "" : message.toLowerCase(Locale.ROOT);
        String sentence;
        if (status == 401) {
            sentence = "Google rejected the sign-in: reconnect the Google account";
        } else if (status == 403 && said.contains("scope")) {
            sentence = "The Google account was connected without access to BigQuery: reconnect it (Connections → the"
                    + " account → Reconnect) to allow BigQuery";
        } else if (status == 403 && ("rateLimitExceeded".equals(reason) || "quotaExceeded".equals(reason))) {
            sentence = "BigQuery's quota stayed used up after retrying (" + reason + "); try again later, or see the"
                    + " project's quotas in the Google Cloud console";
        } else if (status == 403) {
            sentence = "Google refused access to BigQuery in project " + project + ": give the connected account (or the"
                    + " service account's email) the BigQuery Data Editor and BigQuery Job User roles";
        } else if (status == 404) {
            sentence = "BigQuery does not know it (or the account cannot see it): check the project, dataset and table,"
                    + " or create the dataset with the dataset picker";
        } else if (status == 400) {
            sentence = "BigQuery refused the request";
        } else {
            sentence = "BigQuery answered HTTP " + status;
        }
        boolean passing = status == 429 || status / 100 == 5 || "rateLimitExceeded".equals(reason);
        return new UpstreamException(sentence + " (" + doing + ")", message, e, passing, status);
    }
}
