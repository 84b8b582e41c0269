package io.rowflow.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.MappingIterator;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart lints and renders what production needs: PostgreSQL, secrets from Secrets, probes, a data volume. */
class HelmChartTest {
    static final Path CHART = Path.of("helm/rowflow");

    static List<JsonNode> render(Helm helm) throws Exception {
        return parse(helm.template().withName("acme").set("database.password", "pw")
                .set("vault.masterKey", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=").call());
    }

    static List<JsonNode> parse(String manifest) throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(manifest)) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isEmpty()) {
                    documents.add(node);
                }
            }
        }
        return documents;
    }

    static JsonNode kind(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind));
    }

    @Test
    void theChartLints() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    }

    @Test
    void theDeploymentRunsOnPostgresqlWithSecretsFromSecrets() throws Exception {
        List<JsonNode> documents = render(new Helm(CHART));
        JsonNode container = kind(documents, "Deployment").at("/spec/template/spec/containers/0");
        List<String> env = new ArrayList<>();
        container.path("env").forEach(e -> env.add(e.path("name").asText() + "="
                + (e.has("value") ? e.path("value").asText() : "secret:" + e.at("/valueFrom/secretKeyRef/name").asText())));
        assertThat(env).contains("ROWFLOW_DB_KIND=postgresql", "ROWFLOW_DB_PASSWORD=secret:acme-rowflow-database",
                "ROWFLOW_VAULT_MASTER_KEY=secret:acme-rowflow-vault", "ROWFLOW_STORAGE_DATA_DIR=/var/lib/rowflow");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/var/lib/rowflow");
        assertThat(kind(documents, "PersistentVolumeClaim").at("/metadata/name").asText()).isEqualTo("acme-rowflow-data");
        assertThat(kind(documents, "Service").at("/spec/ports/0/port").asInt()).isEqualTo(8080);
        assertThat(kind(documents, "Secret").at("/metadata/name").asText()).isEqualTo("acme-rowflow-database");
    }

    @Test
    void signInSettingsComeFromSecrets() throws Exception {
        List<JsonNode> documents = parse(new Helm(CHART).template().withName("acme")
                .set("database.password", "pw").set("vault.masterKey", "a2V5")
                .set("admin.email", "ops@acme.test").set("admin.password", "first-admin-pw")
                .set("oidc.enabled", "true").set("oidc.issuer", "https://idp.acme.test").set("oidc.clientId", "rowflow")
                .set("oidc.clientSecret", "idp-secret-value").set("oidc.newUserRole", "viewer").call());
        JsonNode container = kind(documents, "Deployment").at("/spec/template/spec/containers/0");
        List<String> env = new ArrayList<>();
        container.path("env").forEach(e -> env.add(e.path("name").asText() + "="
                + (e.has("value") ? e.path("value").asText() : "secret:" + e.at("/valueFrom/secretKeyRef/name").asText())));
        assertThat(env).contains("ROWFLOW_ADMIN_EMAIL=ops@acme.test", "ROWFLOW_ADMIN_PASSWORD=secret:acme-rowflow-auth",
                "QUARKUS_OIDC_TENANT_ENABLED=true", "QUARKUS_OIDC_AUTH_SERVER_URL=https://idp.acme.test",
                "QUARKUS_OIDC_CREDENTIALS_SECRET=secret:acme-rowflow-auth", "ROWFLOW_ACCOUNT_OIDC_NEW_USER_ROLE=viewer",
                "ROWFLOW_VAULT_PREVIOUS_MASTER_KEYS=secret:acme-rowflow-vault");
        String rendered = documents.toString();
        assertThat(rendered).doesNotContain("first-admin-pw").doesNotContain("idp-secret-value");
        assertThatThrownBy(() -> new Helm(CHART).template().withName("acme").set("database.password", "pw")
                .set("vault.masterKey", "a2V5").set("oidc.enabled", "true").call())
                .hasMessageContaining("is required when oidc.enabled");
    }

    @Test
    void theServiceMonitorScrapesWithTheTokenFromASecretAndThePublicUrlIsPassedOn() throws Exception {
        List<JsonNode> documents = parse(new Helm(CHART).template().withName("acme").set("database.password", "pw")
                .set("vault.masterKey", "a2V5").set("metrics.token", "scrape-secret-value")
                .set("metrics.serviceMonitor.enabled", "true").set("metrics.serviceMonitor.labels.release", "prom")
                .set("publicUrl", "https://rowflow.acme.test").call());
        JsonNode container = kind(documents, "Deployment").at("/spec/template/spec/containers/0");
        List<String> env = new ArrayList<>();
        container.path("env").forEach(e -> env.add(e.path("name").asText() + "="
                + (e.has("value") ? e.path("value").asText() : "secret:" + e.at("/valueFrom/secretKeyRef/name").asText()
                        + "/" + e.at("/valueFrom/secretKeyRef/key").asText())));
        assertThat(env).contains("ROWFLOW_METRICS_TOKEN=secret:acme-rowflow-metrics/metrics-token",
                "ROWFLOW_WEB_PUBLIC_URL=https://rowflow.acme.test");
        JsonNode monitor = kind(documents, "ServiceMonitor");
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prom");
        assertThat(monitor.at("/spec/selector/matchLabels/app.kubernetes.io~1instance").asText()).isEqualTo("acme");
        JsonNode endpoint = monitor.at("/spec/endpoints/0");
        assertThat(endpoint.path("port").asText()).isEqualTo("http");
        assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
        assertThat(endpoint.at("/authorization/type").asText()).isEqualTo("Bearer");
        assertThat(endpoint.at("/authorization/credentials/name").asText()).isEqualTo("acme-rowflow-metrics");
        assertThat(endpoint.at("/authorization/credentials/key").asText()).isEqualTo("metrics-token");
        assertThat(documents.stream().filter(d -> d.at("/metadata/name").asText().equals("acme-rowflow-metrics")
                && d.path("kind").asText().equals("Secret")).findFirst().orElseThrow().at("/data/metrics-token").asText())
                .isEqualTo(java.util.Base64.getEncoder().encodeToString("scrape-secret-value".getBytes()));
        assertThat(documents.toString()).doesNotContain("scrape-secret-value");
        assertThatThrownBy(() -> new Helm(CHART).template().withName("acme").set("database.password", "pw")
                .set("vault.masterKey", "a2V5").set("metrics.serviceMonitor.enabled", "true").call())
                .hasMessageContaining("metrics.token or metrics.existingSecret is required");
        // Without a ServiceMonitor or token, nothing about metrics is rendered.
        List<JsonNode> plain = render(new Helm(CHART));
        assertThat(plain.stream().map(d -> d.path("kind").asText())).doesNotContain("ServiceMonitor");
        assertThat(plain.toString()).doesNotContain("ROWFLOW_METRICS_TOKEN").doesNotContain("ROWFLOW_WEB_PUBLIC_URL");
    }

    @Test
    void aMissingPasswordOrMasterKeyStopsTheRender() {
        assertThatThrownBy(() -> new Helm(CHART).template().withName("acme").call())
                .hasMessageContaining("database.password or database.existingSecret is required");
        assertThatThrownBy(() -> new Helm(CHART).template().withName("acme").set("database.password", "pw").call())
                .hasMessageContaining("vault.masterKey or vault.existingSecret is required");
    }
}
