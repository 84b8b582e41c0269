package io.rowflow.writer.excelonline;

import com.fasterxml.jackson.databind.JsonNode;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.pipeline.RunCancelledException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Puts a file in a drive through an upload session: Graph keeps the fragments aside and replaces the stored file only
 * when the last one arrives, so readers see the old workbook until then, and a failed upload leaves it as it was (the
 * session is cancelled). Fragments are multiples of 320 KiB, sent in order; where Graph says it lacks other bytes (a
 * fragment it already had, answered 416) the upload goes on from there; an expired session starts over once.
 */
final class WorkbookUpload {
    static final int FRAGMENT_UNIT = 320 * 1024;
    /** Graph takes less than 60 MiB per request. */
    static final int LARGEST_FRAGMENT = 60 * 1024 * 1024 - FRAGMENT_UNIT;
    private static final Logger LOG = Logger.getLogger(WorkbookUpload.class);

    /** What an upload did: the stored item, its size and the fragments sent (a resent one counted again). */
    record Uploaded(GraphClient.DriveItem item, long bytes, int fragments) {
    }

    private final GraphClient graph;
    private final int fragmentBytes;

    WorkbookUpload(GraphClient graph, int chunkBytes) {
        this.graph = graph;
        this.fragmentBytes = fragmentSize(chunkBytes);
    }

    /** The configured size as Graph takes it: a multiple of 320 KiB, at least one unit, under 60 MiB. */
    static int fragmentSize(int configured) {
        return Math.min(LARGEST_FRAGMENT, Math.max(FRAGMENT_UNIT, configured / FRAGMENT_UNIT * FRAGMENT_UNIT));
    }

    /**
     * Uploads {@code file} as {@code itemPath} (a Graph path ending in ":/name:"), replacing the file there. {@code fence}
     * runs right before the last fragment, the one that makes the new file visible.
     */
    Uploaded upload(String itemPath, String fileName, Path file, Runnable fence, BooleanSupplier cancelled)
            throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int attempt = 1;; attempt++) {
                URI session = start(itemPath, fileName);
                try {
                    return send(session, channel, fence, cancelled);
                } catch (UpstreamException e) {
                    if (e.status() == 404 && attempt == 1) {
                        // The session expired or was lost: Microsoft's advice is to start the whole upload over.
                        LOG.infof("The upload session of %s was gone; starting the upload over", fileName);
                        continue;
                    }
                    cancel(session);
                    throw e;
                } catch (IOException | RuntimeException e) {
                    cancel(session);
                    throw e;
                }
            }
        }
    }

    private URI start(String itemPath, String fileName) {
        Map<String, Object> item = Map.of("@microsoft.graph.conflictBehavior", "replace", "name", fileName);
        GraphClient.UploadSession session = graph.post(itemPath + "/createUploadSession", Map.of("item", item),
                Map.of(), GraphClient.UploadSession.class, "starting the upload of " + fileName);
        return URI.create(session.uploadUrl());
    }

    private Uploaded send(URI session, FileChannel channel, Runnable fence, BooleanSupplier cancelled)
            throws IOException {
        long total = channel.size();
        long from = 0;
        int fragments = 0;
        while (true) {
            if (cancelled.getAsBoolean()) {
                throw new RunCancelledException();
            }
            int length = (int) Math.min(fragmentBytes, total - from);
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) >= 0) {
                // a file read may return fewer bytes than asked
            }
            if (from + length == total) {
                fence.run();
            }
            GraphClient.Answer answer;
            try {
                fragments++;
                answer = graph.putFragment(session, buffer.array(), from, total, "uploading the workbook (bytes " + from
                        + " to " + (from + length - 1) + " of " + total + ")");
            } catch (UpstreamException e) {
                if (e.status() != 416) {
                    throw e;
                }
                // Graph had these bytes already (an earlier attempt's answer was lost): go on from what it lacks.
                from = nextExpected(graph.uploadSession("GET", session, "asking which bytes the upload still needs")
                        .body(), total, e);
                continue;
            }
            if (answer.status() != 202) {
                return new Uploaded(GraphClient.JSON.convertValue(answer.body(), GraphClient.DriveItem.class), total,
                        fragments);
            }
            from = nextExpected(answer.body(), total, null);
        }
    }

    /** The first byte Graph still lacks, from the session's {@code nextExpectedRanges} ("26-", "12345-55232"). */
    private static long nextExpected(JsonNode session, long total, UpstreamException cause) {
        JsonNode ranges = session == null ? null : session.path("nextExpectedRanges");
        if (ranges == null || !ranges.isArray() || ranges.isEmpty()) {
            throw new UpstreamException("Microsoft's upload session stopped asking for bytes before the workbook was"
                    + " complete (" + total + " bytes); the next run uploads it again", null, cause, true);
        }
        String range = ranges.get(0).asText();
        long first = Long.parseLong(range.substring(0, range.indexOf('-')).strip());
        if (first < 0 || first >= total) {
            throw new UpstreamException("Microsoft's upload session asked for the workbook from byte " + first + " of "
                    + total + ", which it does not have; the next run uploads it again", null, cause, true);
        }
        return first;
    }

    /** Cancels the session (its fragments are dropped); the stored file was never touched. */
    private void cancel(URI session) {
        try {
            graph.uploadSession("DELETE", session, "cancelling the upload");
        } catch (RuntimeException e) {
            LOG.debugf("Cancelling an upload session failed (it expires by itself): %s", e.getMessage());
        }
    }
}
