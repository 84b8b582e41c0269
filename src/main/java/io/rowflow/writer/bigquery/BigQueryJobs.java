package io.rowflow.writer.bigquery;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.googleapis.media.MediaHttpUploader;
import com.google.api.client.http.FileContent;
import com.google.api.services.bigquery.Bigquery;
import com.google.api.services.bigquery.model.ErrorProto;
import com.google.api.services.bigquery.model.Job;
import com.google.api.services.bigquery.model.JobConfiguration;
import com.google.api.services.bigquery.model.JobReference;
import io.rowflow.common.error.DataException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.pipeline.RunCancelledException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * BigQuery calls and jobs as one write makes them. A job that changes the destination has an id made from the write's
 * id, so a retried run finds the job its earlier attempt ran and does not load the rows twice; a job that failed for
 * a reason that may pass (backendError, a quota) is run again under the next id. Calls BigQuery refuses for its quotas
 * (403 rateLimitExceeded, which Google's client does not retry) are retried here with exponential backoff.
 */
final class BigQueryJobs {
    /** Job failures BigQuery documents as worth another try. */
    private static final Set<String> PASSING = Set.of("backendError", "internalError", "rateLimitExceeded",
            "jobBackendError", "jobInternalError");

    private final Bigquery bigquery;
    private final String project;
    private final BigQueryConfig config;
    private final BooleanSupplier cancelled;
    /** What the write is doing, for the words of an error. */
    String doing = "reaching BigQuery";

    BigQueryJobs(Bigquery bigquery, String project, BigQueryConfig config, BooleanSupplier cancelled) {
        this.bigquery = bigquery;
        this.project = project;
        this.config = config;
        this.cancelled = cancelled;
    }

    interface Call<T> {
        T run() throws IOException;
    }

    /** One call, retried while BigQuery refuses it for a quota that refills; its other refusals are thrown. */
    <T> T call(Call<T> call) throws IOException {
        Duration wait = config.initialBackoff();
        for (int attempt = 1;; attempt++) {
            try {
                return call.run();
            } catch (GoogleJsonResponseException e) {
                if (attempt >= config.attempts() || !(e.getStatusCode() == 403 && quota(e))) {
                    throw e;
                }
            }
            wait = pause(wait);
        }
    }

    /** The job, or null when BigQuery has none of this id. */
    Job find(String jobId, String location) throws IOException {
        try {
            return call(() -> bigquery.jobs().get(project, jobId).setLocation(location).execute());
        } catch (GoogleJsonResponseException e) {
            if (e.getStatusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** What a job run once did: the finished job, and whether an earlier attempt of the write had run it. */
    record Done(Job job, boolean earlier) {
    }

    /**
     * Runs the job of {@code configuration} once under ids from {@code baseId}: a finished job of that id is taken as
     * done (an earlier attempt ran it), a running one is waited for, a failed one that may pass is run again under the
     * next id. {@code upload} is the file a load job reads (null for a query).
     */
    Done once(String baseId, String location, JobConfiguration configuration, Path upload, Runnable fence)
            throws IOException {
        Duration wait = config.initialBackoff();
        for (int attempt = 1;; attempt++) {
            String jobId = attempt == 1 ? baseId : baseId + "_" + attempt;
            Job job = find(jobId, location);
            boolean earlier = job != null;
            if (job == null) {
                fence.run();
                job = insert(new Job().setJobReference(new JobReference().setProjectId(project).setJobId(jobId)
                        .setLocation(location)).setConfiguration(configuration), upload, location);
            }
            job = awaitDone(job, location);
            ErrorProto error = job.getStatus().getErrorResult();
            if (error == null) {
                return new Done(job, earlier);
            }
            if (!PASSING.contains(error.getReason()) || attempt >= config.attempts()) {
                throw failed(job);
            }
            wait = pause(wait);
        }
    }

    /** A job that runs under a fresh id each time: what it changes is the write's own (a staging table). */
    Job run(String jobId, String location, JobConfiguration configuration, Path upload) throws IOException {
        Job job = awaitDone(insert(new Job().setJobReference(new JobReference().setProjectId(project).setJobId(jobId)
                .setLocation(location)).setConfiguration(configuration), upload, location), location);
        if (job.getStatus().getErrorResult() != null) {
            throw failed(job);
        }
        return job;
    }

    /**
     * Creates the job; a load sends its file in a resumable upload of chunks (a lost chunk is sent again, not the
     * whole file). An id taken meanwhile (another attempt of the same write) is that job.
     */
    private Job insert(Job job, Path upload, String location) throws IOException {
        try {
            return call(() -> {
                if (upload == null) {
                    return bigquery.jobs().insert(project, job).execute();
                }
                Bigquery.Jobs.Insert insert = bigquery.jobs().insert(project, job, new FileContent(
                        "application/octet-stream", upload.toFile()));
                int chunk = Math.max(1, config.uploadChunkBytes() / MediaHttpUploader.MINIMUM_CHUNK_SIZE)
                        * MediaHttpUploader.MINIMUM_CHUNK_SIZE;
                insert.getMediaHttpUploader().setDirectUploadEnabled(false).setChunkSize(chunk);
                return insert.execute();
            });
        } catch (GoogleJsonResponseException e) {
            if (e.getStatusCode() == 409) {
                Job existing = find(job.getJobReference().getJobId(), location);
                if (existing != null) {
                    return existing;
                }
            }
            throw e;
        }
    }

    private Job awaitDone(Job job, String location) throws IOException {
        while (job.getStatus() == null || !"DONE".equals(job.getStatus().getState())) {
            if (cancelled.getAsBoolean()) {
                // BigQuery may still finish a job it has started; asked to stop, it stops before changing the table.
                String id = job.getJobReference().getJobId();
                call(() -> bigquery.jobs().cancel(project, id).setLocation(location).execute());
                throw new RunCancelledException();
            }
            sleep(config.pollInterval());
            String id = job.getJobReference().getJobId();
            job = call(() -> bigquery.jobs().get(project, id).setLocation(location).execute());
        }
        return job;
    }

    /** A job's failure in BigQuery's words: its data refused (said as such), or a failure that may pass. */
    private RuntimeException failed(Job job) {
        ErrorProto error = job.getStatus().getErrorResult();
        String message = error.getMessage() == null ? error.getReason() : error.getMessage();
        if (PASSING.contains(error.getReason())) {
            return new UpstreamException("BigQuery could not finish " + doing + " (" + error.getReason()
                    + ") after retrying; this may pass, so the run may retry", message, null, true, 503);
        }
        return new DataException("BigQuery refused " + doing + ": " + message);
    }

    private static boolean quota(GoogleJsonResponseException e) {
        GoogleJsonError details = e.getDetails();
        return details != null && details.getErrors() != null && details.getErrors().stream().anyMatch(
                i -> "rateLimitExceeded".equals(i.getReason()) || "quotaExceeded".equals(i.getReason()));
    }

    private Duration pause(Duration wait) {
        sleep(wait);
        Duration next = wait.multipliedBy(2);
        return next.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : next;
    }

    private void sleep(Duration wait) {
        if (cancelled.getAsBoolean()) {
            throw new RunCancelledException();
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunCancelledException();
        }
    }
}
