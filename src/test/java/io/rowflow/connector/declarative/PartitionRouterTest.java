package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.rowflow.common.error.UpstreamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The partition router reads the parent for its values, each once, then the stream once per value with the value as
 * a column; a parent answering a status the manifest lists as "nothing here" is skipped, any other failure is not.
 */
class PartitionRouterTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static PartitionRouter router() throws Exception {
        return PartitionRouter.of(YAML.readTree(
                "{stream: boards, field: id, placeholder: partition, column: Board ID, skip_status: [400],"
                        + " params: {fields: id}}"));
    }

    @Test
    void eachParentValueIsReadOnceAndAddedAsAColumn() throws Exception {
        PartitionRouter router = router();
        assertThat(router.parent()).isEqualTo("boards");
        assertThat(router.parentParams()).containsExactly(Map.entry("fields", "id"));
        List<String> asked = new ArrayList<>();
        List<Map<String, Object>> records = new ArrayList<>();
        router.read(parent -> {
            parent.accept(Map.of("id", 1L));
            parent.accept(Map.of("id", 2L));
            parent.accept(Map.of("id", 1L));
            parent.accept(Map.of("name", "no id"));
        }, (value, sink) -> {
            asked.add(value);
            if (value.equals("2")) {
                throw new UpstreamException("The board does not support sprints", null, null, false, 400);
            }
            sink.accept(Map.of("sprint", "S" + value));
        }, records::add);
        assertThat(asked).containsExactly("1", "2");
        assertThat(records).containsExactly(Map.of("Board ID", "1", "sprint", "S1"));
        assertThat(records.get(0).keySet()).first().isEqualTo("Board ID");
    }

    @Test
    void theValuesASettingListsAreEachReadOnceInTheirOrder() throws Exception {
        PartitionRouter router = PartitionRouter.of(YAML.readTree(
                "{values: '{{config.channels}}', placeholder: partition, column: channel}"));
        List<String> asked = new ArrayList<>();
        List<Map<String, Object>> records = new ArrayList<>();
        router.readListed(YAML.readTree("{channels: ' C2, C1 ,,C2'}"), (value, sink) -> {
            asked.add(value);
            sink.accept(Map.of("ts", value + ".1"));
        }, records::add);
        assertThat(asked).containsExactly("C2", "C1");
        assertThat(records).containsExactly(Map.of("channel", "C2", "ts", "C2.1"), Map.of("channel", "C1", "ts",
                "C1.1"));
        assertThatThrownBy(() -> router.readListed(YAML.readTree("{channels: ' , '}"), (value, sink) -> { },
                record -> { })).hasMessageContaining("Nothing to read: the settings name no channel");
    }

    @Test
    void aFailureNotListedStopsTheRead() throws Exception {
        assertThatThrownBy(() -> router().read(parent -> parent.accept(Map.of("id", 7L)), (value, sink) -> {
            throw new UpstreamException("Unauthorized", null, null, false, 401);
        }, record -> { })).isInstanceOf(UpstreamException.class).hasMessage("Unauthorized");
    }
}
