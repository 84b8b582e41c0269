package io.rowflow.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpBackOffIOExceptionHandler;
import com.google.api.client.http.HttpBackOffUnsuccessfulResponseHandler;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.GenericJson;
import com.google.api.client.json.JsonObjectParser;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.util.ExponentialBackOff;
import com.google.api.services.bigquery.Bigquery;
import com.google.api.services.sheets.v4.Sheets;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.rowflow.common.digest.Digests;
import io.rowflow.common.error.InvalidInputException;
import io.rowflow.common.error.UpstreamException;
import io.rowflow.connector.AccessTokens;
import io.rowflow.http.RequestBudget;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Google's APIs as one connection uses them: Google's generated Sheets client on this installation's root URL, the
 * connection's token (its OAuth sign-in, refreshed as needed, or a service account's key), Google's published write
 * quotas kept before each write (per connection and per node), 429 and 5xx retried with exponential backoff and
 * jitter, and every call counted for the run's statistics.
 */
@ApplicationScoped
public class GoogleApis {
    /** BigQuery's scope: datasets, tables, load and query jobs. */
    public static final String BIGQUERY_SCOPE = "https://www.googleapis.com/auth/bigquery";
    /**
     * Read and write spreadsheets; see and create only the Drive files Rowflow opens or makes; load into and query
     * BigQuery. An account signed in before BigQuery was added lacks the last: BigQuery then asks it to reconnect.
     */
    public static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/spreadsheets",
            "https://www.googleapis.com/auth/drive.file", BIGQUERY_SCOPE);
    private static final GsonFactory JSON = GsonFactory.getDefaultInstance();

    private final SheetsConfig config;
    private final HttpTransport transport = new NetHttpTransport();
    private final RequestBudget nodeWrites;
    private final Map<UUID, RequestBudget> connectionWrites = new ConcurrentHashMap<>();
    private final Map<String, ServiceAccountCredentials> serviceAccounts = new ConcurrentHashMap<>();

    public GoogleApis(SheetsConfig config) {
        this.config = config;
        this.nodeWrites = RequestBudget.of(config.writesPerMinute(), Duration.ofMinutes(1));
    }

    private static final java.util.regex.Pattern SPREADSHEET_URL = java.util.regex.Pattern.compile(
            "/spreadsheets/d/([A-Za-z0-9_-]+)");

    /** A spreadsheet's id from its URL (…/spreadsheets/d/{id}/edit) or the id itself. */
    public static String spreadsheetId(String urlOrId) {
        java.util.regex.Matcher m = SPREADSHEET_URL.matcher(urlOrId);
        return m.find() ? m.group(1) : urlOrId.strip();
    }

    /** One connection's use of the APIs: the Sheets client and the count of calls Google answered, refusals included. */
    public record Session(Sheets sheets, AtomicLong calls, HttpRequestInitializer initializer) {
    }

    /**
     * A session for a connection: {@code settings} are its settings with secrets; {@code tokens} its OAuth tokens when it
     * signed in (null for a service account's key).
     */
    public Session open(UUID connectionId, JsonNode settings, AccessTokens tokens) {
        RequestBudget writes = connectionWrites.computeIfAbsent(connectionId, k -> RequestBudget.of(
                config.writesPerMinutePerUser(), Duration.ofMinutes(1)));
        AtomicLong calls = new AtomicLong();
        HttpRequestInitializer initializer = initializer(settings, tokens, calls, () -> {
            writes.take();
            nodeWrites.take();
        });
        Sheets sheets = new Sheets.Builder(transport, JSON, initializer).setRootUrl(config.rootUrl())
                .setApplicationName("Rowflow").build();
        return new Session(sheets, calls, initializer);
    }

    /** One connection's use of BigQuery: Google's generated client and the count of calls Google answered. */
    public record BigQuerySession(Bigquery bigquery, AtomicLong calls) {
    }

    /**
     * A BigQuery session for a connection, on {@code rootUrl} (BigQuery's, or a test fake's). BigQuery's quotas are
     * per project and per table and answered as 403s, which the writer waits out; Sheets' per-minute write quotas do
     * not apply.
     */
    public BigQuerySession bigquery(UUID connectionId, JsonNode settings, AccessTokens tokens, String rootUrl) {
        AtomicLong calls = new AtomicLong();
        Bigquery client = new Bigquery.Builder(transport, JSON, initializer(settings, tokens, calls, () -> {
        })).setRootUrl(rootUrl).setApplicationName("Rowflow").build();
        return new BigQuerySession(client, calls);
    }

    /**
     * How every request to Google is made for a connection: its token (refreshed once when Google rejects it before
     * its expiry), generous timeouts, 429 and 5xx retried with exponential backoff and jitter, each answered call
     * counted, and {@code beforeWrite} run before each request that changes something.
     */
    private HttpRequestInitializer initializer(JsonNode settings, AccessTokens tokens, AtomicLong calls,
            Runnable beforeWrite) {
        TokenSupplier supplier = tokens(settings, tokens);
        return request -> {
            request.setConnectTimeout(20_000);
            request.setReadTimeout(180_000); // Google allows a request up to 180 s of processing
            request.setNumberOfRetries(8);
            String[] token = { supplier.current() };
            request.getHeaders().setAuthorization("Bearer " + token[0]);
            request.setInterceptor(r -> {
                calls.incrementAndGet();
                if (!"GET".equals(r.getRequestMethod())) {
                    beforeWrite.run();
                }
            });
            ExponentialBackOff backOff = new ExponentialBackOff.Builder()
                    .setInitialIntervalMillis((int) config.initialBackoff().toMillis()).setMultiplier(2)
                    .setRandomizationFactor(0.5).setMaxIntervalMillis(60_000).setMaxElapsedTimeMillis(300_000).build();
            HttpBackOffUnsuccessfulResponseHandler backOffHandler = new HttpBackOffUnsuccessfulResponseHandler(backOff)
                    .setBackOffRequired(response -> response.getStatusCode() == 429 || response.getStatusCode() / 100 == 5);
            boolean[] refreshed = { false };
            request.setUnsuccessfulResponseHandler((r, response, retry) -> {
                if (response.getStatusCode() == 401 && tokens != null && !refreshed[0]) {
                    // Revoked before its expiry: refreshed once, under the connection's lock, and asked again.
                    refreshed[0] = true;
                    token[0] = tokens.afterRejection(token[0]);
                    r.getHeaders().setAuthorization("Bearer " + token[0]);
                    return true;
                }
                return backOffHandler.handleResponse(r, response, retry);
            });
            HttpBackOffIOExceptionHandler ioHandler = new HttpBackOffIOExceptionHandler(new ExponentialBackOff());
            request.setIOExceptionHandler((r, retry) -> {
                // No answer came (a kept-alive connection the server had closed, say): Google did not count this
                // attempt against the quota, so neither does the destination's count of calls.
                calls.decrementAndGet();
                return ioHandler.handleIOException(r, retry);
            });
        };
    }

    /** The spreadsheets the account can pick from (with drive.file: those Rowflow created or the user opened with it). */
    public List<Map<String, Object>> spreadsheets(Session session) throws IOException {
        GenericUrl url = new GenericUrl(config.driveRootUrl().replaceAll("/+$", "") + "/drive/v3/files");
        url.put("q", "mimeType='application/vnd.google-apps.spreadsheet' and trashed=false");
        url.put("fields", "files(id,name,modifiedTime,webViewLink)");
        url.put("orderBy", "modifiedTime desc");
        url.put("pageSize", 100);
        GenericJson answer = transport.createRequestFactory(session.initializer()).buildGetRequest(url)
                .setParser(new JsonObjectParser(JSON)).execute().parseAs(GenericJson.class);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> files = (List<Map<String, Object>>) answer.getOrDefault("files", List.of());
        return files;
    }

    private interface TokenSupplier {
        String current() throws IOException;
    }

    private TokenSupplier tokens(JsonNode settings, AccessTokens tokens) {
        if (tokens != null) {
            return tokens::current;
        }
        if (settings.hasNonNull("service_account_key")) {
            ServiceAccountCredentials credentials = serviceAccount(settings.get("service_account_key").asText());
            return () -> {
                credentials.refreshIfExpired();
                return credentials.getAccessToken().getTokenValue();
            };
        }
        if (settings.hasNonNull("access_token")) {
            String token = settings.get("access_token").asText();
            return () -> token;
        }
        throw new InvalidInputException("The Google connection has neither a sign-in nor a service account key",
                List.of());
    }

    /** A service account from its JSON key; its token_uri must be Google's (or this installation's) token endpoint. */
    private ServiceAccountCredentials serviceAccount(String key) {
        return serviceAccounts.computeIfAbsent(Digests.sha256(key), k -> {
            try {
                ServiceAccountCredentials credentials = ServiceAccountCredentials.fromStream(new ByteArrayInputStream(
                        key.getBytes(StandardCharsets.UTF_8)), () -> transport);
                URI tokenUri = credentials.getTokenServerUri();
                if (tokenUri == null || !tokenUri.toString().equals(config.tokenUrl())) {
                    throw InvalidInputException.field("config.service_account_key", "its token_uri (" + tokenUri
                            + ") is not Google's token endpoint");
                }
                return (ServiceAccountCredentials) credentials.createScoped(SCOPES);
            } catch (IOException e) {
                throw InvalidInputException.field("config.service_account_key", "not a service account key from the"
                        + " Google Cloud console (JSON with client_email and private_key): " + e.getMessage());
            }
        });
    }

    /** Google's refusal as a sentence a user can act on, with Google's own message kept beside it. */
    public static UpstreamException translate(IOException e, String doing) {
        // Any answer from Google, JSON or not (Drive answers a missing file with a plain 404): said by its status.
        if (e instanceof com.google.api.client.http.HttpResponseException answered) {
            int status = answered.getStatusCode();
            String message = answered instanceof GoogleJsonResponseException google && google.getDetails() != null
                    ? google.getDetails().getMessage() : answered.getStatusMessage();
            String sentence = switch (status) {
                case 401 -> "Google rejected the sign-in: reconnect the Google account";
                case 403 -> "Google refused access: share the spreadsheet with the connected account (or the service"
                        + " account's email) as an editor";
                case 404 -> "Google does not know this spreadsheet (or the connected account cannot see it): check its"
                        + " URL or id, and that it is shared with the account";
                case 429 -> "Google's quota for Sheets requests stayed used up after retrying for minutes; try again later"
                        + " or raise the quota in the Google Cloud console";
                case 400 -> "Google refused the request";
                default -> "Google answered HTTP " + status;
            };
            return new UpstreamException(sentence + " (" + doing + ")", message, e, status == 429 || status / 100 == 5,
                    status);
        }
        // No answer at all: the network or Google's servers.
        return new UpstreamException("Could not reach Google while " + doing + " (" + e.getClass().getSimpleName()
                .replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT)
                + "); this may pass, so the run may retry", null, e, true, 0);
    }
}
