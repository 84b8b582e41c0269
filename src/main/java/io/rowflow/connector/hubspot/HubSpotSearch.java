package io.rowflow.connector.hubspot;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rowflow.common.error.DataException;
import io.rowflow.connector.SourceContext;
import io.rowflow.connector.declarative.StreamComponent;
import io.rowflow.connector.json.Requester;
import io.rowflow.http.HttpRequestSpec;
import io.rowflow.http.RequestBudget;
import io.rowflow.pipeline.Flattener;
import io.rowflow.pipeline.RecordSink;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HubSpot's changes of a CRM object type, through its search API (apis.md §4): records whose last-modified property is
 * at or after the start time, oldest first, 200 a page. A search never pages past 10,000 results (HubSpot answers 400),
 * so a read that would reach the cap starts a new search from the last change it saw; the records at that very time
 * are read twice and left out the second time by the read's key and change time. Search results carry no
 * associations: they are fetched per page through the v4 associations batch read, and placed where the list endpoint
 * puts them ({@code associations.<type>.results}), so both reads give the same columns. The search API has its own
 * rate limit (a few requests per second per account), kept here besides the account's 10-second budget.
 */
@ApplicationScoped
public class HubSpotSearch implements StreamComponent {
    /** HubSpot's cap on the results of one search. */
    static final int RESULT_CAP = 10_000;
    private static final int PAGE = 200;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, RequestBudget> SEARCH_BUDGETS = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return "hubspot-search";
    }

    @Override
    public void readChanges(Call call, RecordSink sink) {
        String object = call.options().get("object").asText();
        String property = call.options().get("property").asText();
        List<String> associations = new ArrayList<>();
        call.options().path("associations").forEach(a -> associations.add(a.asText()));
        RequestBudget searches = SEARCH_BUDGETS.computeIfAbsent(String.valueOf(call.context().connectionId()),
                k -> RequestBudget.of(call.options().path("searches_per_second").asInt(4), Duration.ofSeconds(1)));
        URI search = URI.create(call.base().toString().replaceAll("/+$", "") + "/crm/v3/objects/" + object + "/search");
        long from = call.since().toEpochMilli();
        String after = null;
        int inWindow = 0;
        while (true) {
            ObjectNode body = JSON.createObjectNode();
            body.putArray("filterGroups").addObject().putArray("filters").addObject().put("propertyName", property)
                    .put("operator", "GTE").put("value", Long.toString(from));
            body.putArray("sorts").addObject().put("propertyName", property).put("direction", "ASCENDING");
            ArrayNode properties = body.putArray("properties");
            call.fields().forEach(properties::add);
            properties.add(property);
            body.put("limit", PAGE);
            if (after != null) {
                body.put("after", after);
            }
            searches.take();
            JsonNode page = post(call, search, body);
            JsonNode results = page.path("results");
            attachAssociations(call, object, associations, results);
            String lastChange = null;
            for (JsonNode result : results) {
                sink.accept(flatten(result));
                lastChange = result.path("properties").path(property).asText(null);
            }
            inWindow += results.size();
            after = page.path("paging").path("next").path("after").asText(null);
            if (after == null || results.isEmpty()) {
                return;
            }
            if (inWindow + PAGE > RESULT_CAP) {
                // The next pages would pass the cap: search again from the newest change read so far.
                Instant last = io.rowflow.connector.ChangeTimes.parse(lastChange);
                if (last == null || last.toEpochMilli() <= from) {
                    throw new DataException("More than " + RESULT_CAP + " HubSpot " + object + " changed at the same"
                            + " millisecond; HubSpot's search cannot page past them");
                }
                from = last.toEpochMilli();
                after = null;
                inWindow = 0;
            }
        }
    }

    /** Each result's associated records of each type, as {@code associations.<type>.results: [{id}]}. */
    private void attachAssociations(Call call, String object, List<String> types, JsonNode results) {
        if (types.isEmpty() || results.isEmpty()) {
            return;
        }
        for (String type : types) {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode inputs = body.putArray("inputs");
            results.forEach(r -> inputs.addObject().put("id", r.path("id").asText()));
            URI batch = URI.create(call.base().toString().replaceAll("/+$", "") + "/crm/v4/associations/" + object + "/"
                    + type + "/batch/read");
            JsonNode answer = post(call, batch, body);
            Map<String, ArrayNode> byId = new HashMap<>();
            for (JsonNode link : answer.path("results")) {
                ArrayNode ids = byId.computeIfAbsent(link.path("from").path("id").asText(), k -> JSON.createArrayNode());
                link.path("to").forEach(to -> ids.addObject().put("id", to.path("toObjectId").asText()));
            }
            for (JsonNode result : results) {
                ArrayNode ids = byId.get(result.path("id").asText());
                if (ids != null && !ids.isEmpty()) {
                    ObjectNode holder = result.has("associations") ? (ObjectNode) result.get("associations")
                            : ((ObjectNode) result).putObject("associations");
                    holder.putObject(type).set("results", ids);
                }
            }
        }
    }

    private static JsonNode post(Call call, URI uri, ObjectNode body) {
        SourceContext context = call.context();
        Map<String, String> headers = new LinkedHashMap<>(call.headers());
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        return Requester.withFreshToken(context, headers, () -> context.http().execute(new HttpRequestSpec("POST",
                uri, headers, body.toString()), response -> JSON.readTree(response.stream()), context.budget()));
    }

    private static Map<String, Object> flatten(JsonNode record) {
        try (JsonParser parser = JSON.treeAsTokens(record)) {
            parser.nextToken();
            return Flattener.flatten(parser);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
