package io.rowflow.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.services.sheets.v4.model.Spreadsheet;
import com.google.api.services.sheets.v4.model.ValueRange;
import io.rowflow.common.error.DataException;
import io.rowflow.common.schema.ConfigSchema;
import io.rowflow.connector.ConnectorDescriptor;
import io.rowflow.connector.OAuthSignIn;
import io.rowflow.connector.SourceConnector;
import io.rowflow.connector.SourceContext;
import io.rowflow.pipeline.RecordSink;
import io.rowflow.pipeline.TextInference;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A Google account as a connection: signed in with Google (OAuth, offline access, PKCE) or a service account's key.
 * It is what the Google Sheets destination writes through, and it reads a tab as a source too (its first row names
 * the columns).
 */
@ApplicationScoped
public class GoogleSheetsSource implements SourceConnector, OAuthSignIn {
    public static final String ID = "google-sheets";
    private static final ConfigSchema SCHEMA = ConfigSchema.fromResource("schemas/google-sheets.json");
    private static final ObjectNode OAUTH = new ObjectMapper().createObjectNode()
            .put("authorize_url", "https://accounts.google.com/o/oauth2/v2/auth")
            .put("token_url", "https://oauth2.googleapis.com/token").put("pkce", true).put("client_auth", "body");

    static {
        // A refresh token comes only with offline access, and again on a reconnect only with the consent prompt.
        OAUTH.putObject("extra_authorize_params").put("access_type", "offline").put("prompt", "consent");
    }

    private final GoogleApis google;

    public GoogleSheetsSource(GoogleApis google) {
        this.google = google;
    }

    @Override
    public ConnectorDescriptor descriptor() {
        return new ConnectorDescriptor(ID, "Google Sheets", "spreadsheets", "oauth", SCHEMA.document(), List.of("rows"),
                List.of(), true);
    }

    @Override
    public ConfigSchema schema() {
        return SCHEMA;
    }

    @Override
    public TextInference textInference() {
        return TextInference.TEMPORAL_ONLY;
    }

    @Override
    public Optional<JsonNode> oauth() {
        return Optional.of(OAUTH);
    }

    @Override
    public List<String> oauthScopes() {
        return GoogleApis.SCOPES;
    }

    @Override
    public void read(SourceContext context, RecordSink sink) {
        JsonNode config = context.config();
        if (!config.hasNonNull("spreadsheet") || config.get("spreadsheet").asText().isBlank()) {
            throw new DataException("Choose the spreadsheet to read (its URL or id) in the source's settings");
        }
        String id = GoogleApis.spreadsheetId(config.get("spreadsheet").asText());
        GoogleApis.Session session = google.open(context.connectionId() == null ? new UUID(0, 0) : context.connectionId(),
                config, context.accessTokens());
        try {
            String tab = config.path("sheetName").asText("");
            if (tab.isBlank()) {
                Spreadsheet book = session.sheets().spreadsheets().get(id).setFields("sheets.properties.title").execute();
                tab = book.getSheets().get(0).getProperties().getTitle();
            }
            ValueRange values = session.sheets().spreadsheets().values().get(id, "'" + tab.replace("'", "''") + "'")
                    .setValueRenderOption("UNFORMATTED_VALUE").setDateTimeRenderOption("FORMATTED_STRING").execute();
            List<List<Object>> rows = values.getValues() == null ? List.of() : values.getValues();
            if (rows.isEmpty()) {
                return;
            }
            List<String> header = new ArrayList<>();
            for (Object name : rows.get(0)) {
                header.add(String.valueOf(name));
            }
            for (List<Object> row : rows.subList(1, rows.size())) {
                Map<String, Object> record = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    Object value = i < row.size() ? row.get(i) : null;
                    record.put(header.get(i), value instanceof java.math.BigDecimal d ? (d.scale() <= 0
                            && d.abs().compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) < 0 ? (Object) d.longValue()
                            : (Object) d.doubleValue()) : value);
                }
                sink.accept(record);
            }
        } catch (IOException e) {
            throw GoogleApis.translate(e, "reading the spreadsheet");
        }
    }
}
