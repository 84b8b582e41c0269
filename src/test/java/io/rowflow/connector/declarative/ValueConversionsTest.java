package io.rowflow.connector.declarative;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A stream's declared conversions of the API's conventions: amounts in minor units become exact decimals by the
 * currency's exponent, and Unix seconds become timestamps (as ISO-8601 text), 0 being "never".
 */
class ValueConversionsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static RecordPipeline.MinorUnits money() throws Exception {
        return RecordPipeline.MinorUnits.of(YAML.readTree("{amount_fields: [amount, fee.amount, unit_amount_decimal],"
                + " currency_field: currency, exponents: {JPY: 0, kwd: 3}}"));
    }

    private static Map<String, Object> converted(RecordPipeline.MinorUnits spec, Object currency, Object amount)
            throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("currency", currency);
        record.put("amount", amount);
        RecordPipeline.minorUnits(spec, out::add).accept(record);
        return out.get(0);
    }

    @Test
    void amountsInMinorUnitsBecomeExactDecimalsOfTheirCurrency() throws Exception {
        RecordPipeline.MinorUnits money = money();
        assertThat(converted(money, "usd", 1234L).get("amount")).isEqualTo(new BigDecimal("12.34"));
        assertThat(converted(money, "usd", 1000L).get("amount")).isEqualTo(new BigDecimal("10.00"));
        assertThat(converted(money, "usd", -500L).get("amount")).isEqualTo(new BigDecimal("-5.00"));
        assertThat(converted(money, "jpy", 1200L).get("amount")).as("zero-decimal, any case")
                .isEqualTo(new BigDecimal("1200"));
        assertThat(converted(money, "KWD", 5120L).get("amount")).as("three-decimal")
                .isEqualTo(new BigDecimal("5.120"));
        assertThat(converted(money, "isk", 100L).get("amount")).as("not listed: the default two")
                .isEqualTo(new BigDecimal("1.00"));
        assertThat(converted(money, null, 0L).get("amount")).as("no currency: the default")
                .isEqualTo(new BigDecimal("0.00"));
        assertThat(converted(money, "usd", "1234.5").get("amount")).as("decimal text")
                .isEqualTo(new BigDecimal("12.345"));
        assertThat(converted(money, "usd", new java.math.BigInteger("123456789012345678901")).get("amount"))
                .isEqualTo(new BigDecimal("1234567890123456789.01"));
        assertThat(converted(money, "usd", null).get("amount")).isNull();
        assertThat(converted(money, "usd", "n/a").get("amount")).as("not a number: left alone").isEqualTo("n/a");
        assertThat(converted(null, "usd", 1234L).get("amount")).as("no minor_units: as read").isEqualTo(1234L);
    }

    @Test
    void nestedAmountFieldsAreConvertedByTheirFlattenedName() throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> record = new LinkedHashMap<>(Map.of("currency", "eur", "fee.amount", 66L, "fee.note",
                "x"));
        RecordPipeline.minorUnits(money(), out::add).accept(record);
        assertThat(out.get(0)).containsEntry("fee.amount", new BigDecimal("0.66")).containsEntry("fee.note", "x");
    }

    @Test
    void unixSecondsBecomeTimestampsAndZeroIsNever() {
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("created", 1679090539L);
        record.put("topic.last_set", 0L);
        record.put("due_date", null);
        record.put("updated", "yesterday");
        record.put("other", 1679090539L);
        RecordPipeline.unixTimes(List.of("created", "topic.last_set", "due_date", "updated", "absent"), out::add)
                .accept(record);
        assertThat(out.get(0)).containsEntry("created", "2023-03-17T22:02:19Z").containsEntry("topic.last_set", null)
                .containsEntry("due_date", null).containsEntry("updated", "yesterday")
                .containsEntry("other", 1679090539L).doesNotContainKey("absent");
    }
}
