package io.rowflow.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rowflow.common.error.FieldError;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fire times across Europe/Berlin's daylight-saving changes of 2026 (spring: 29 March, 02:00 → 03:00; autumn:
 * 25 October, 03:00 → 02:00), each policy as the class documents it. The "clock" is the instant passed in.
 */
class ScheduleCalculatorTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Schedule schedule(String json) throws Exception {
        return ScheduleCalculator.parse(JSON.readTree(json));
    }

    static List<String> next(String json, String afterUtc, int count) throws Exception {
        return ScheduleCalculator.next(schedule(json), Instant.parse(afterUtc), count).stream()
                .map(ZonedDateTime::toInstant).map(Instant::toString).toList();
    }

    @Test
    void intervalsFireEveryRealHalfHourThroughTheSpringGap() throws Exception {
        assertThat(next("{\"preset\":\"every_30_minutes\",\"timezone\":\"Europe/Berlin\"}", "2026-03-28T23:45:00Z", 5))
                // 01:00 and 01:30 CET, then 03:00 and 03:30 CEST: the slots 02:00 and 02:30 do not exist.
                .containsExactly("2026-03-29T00:00:00Z", "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z",
                        "2026-03-29T01:30:00Z", "2026-03-29T02:00:00Z");
    }

    @Test
    void intervalsFireEveryRealHalfHourThroughTheRepeatedAutumnHour() throws Exception {
        assertThat(next("{\"preset\":\"every_30_minutes\",\"timezone\":\"Europe/Berlin\"}", "2026-10-24T23:15:00Z", 6))
                // 01:30 CEST, 02:00 CEST, 02:30 CEST, 02:00 CET, 02:30 CET, 03:00 CET.
                .containsExactly("2026-10-24T23:30:00Z", "2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z",
                        "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z", "2026-10-25T02:00:00Z");
    }

    @Test
    void aTimeOfDayInTheSpringGapMovesLaterByTheGapAndARepeatedOneFiresOnce() throws Exception {
        String daily = "{\"preset\":\"daily\",\"times\":[\"02:30\"],\"timezone\":\"Europe/Berlin\"}";
        assertThat(next(daily, "2026-03-28T00:00:00Z", 3))
                .containsExactly("2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z");
        assertThat(next(daily, "2026-10-24T00:00:00Z", 3))
                .containsExactly("2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z");
    }

    @Test
    void weeklyKeepsItsLocalTimeAcrossTheChange() throws Exception {
        assertThat(next("{\"preset\":\"weekly\",\"daysOfWeek\":[\"MON\",\"fri\"],\"times\":[\"09:00\"],"
                + "\"timezone\":\"Europe/Berlin\"}", "2026-03-24T00:00:00Z", 4))
                .containsExactly("2026-03-27T08:00:00Z", "2026-03-30T07:00:00Z", "2026-04-03T07:00:00Z",
                        "2026-04-06T07:00:00Z");
    }

    @Test
    void windowAndWeekdaysBoundTheIntervals() throws Exception {
        List<String> fires = next("{\"preset\":\"hourly\",\"daysOfWeek\":[\"MON\",\"TUE\",\"WED\",\"THU\",\"FRI\"],"
                + "\"window\":{\"from\":\"08:00\",\"to\":\"10:00\"},\"timezone\":\"America/New_York\"}",
                "2026-11-27T14:30:00Z", 5);
        // Friday 27 Nov 2026, 09:30 in New York: 10:00 that day, then Monday 08:00, 09:00, 10:00, Tuesday 08:00.
        assertThat(fires).containsExactly("2026-11-27T15:00:00Z", "2026-11-30T13:00:00Z", "2026-11-30T14:00:00Z",
                "2026-11-30T15:00:00Z", "2026-12-01T13:00:00Z");
    }

    @Test
    void monthlyOnTheLastDayAndOnDaysAMonthLacks() throws Exception {
        assertThat(next("{\"preset\":\"monthly\",\"daysOfMonth\":[31],\"times\":[\"06:00\"]}", "2026-01-31T12:00:00Z", 3))
                .containsExactly("2026-02-28T06:00:00Z", "2026-03-31T06:00:00Z", "2026-04-30T06:00:00Z");
        assertThat(next("{\"preset\":\"monthly\",\"daysOfMonth\":[-1,15],\"times\":[\"06:00\"]}", "2028-02-01T00:00:00Z", 3))
                .containsExactly("2028-02-15T06:00:00Z", "2028-02-29T06:00:00Z", "2028-03-15T06:00:00Z");
    }

    @Test
    void everyNHoursCountsFromMidnight() throws Exception {
        assertThat(next("{\"preset\":\"every_n_hours\",\"hours\":5,\"timezone\":\"UTC\"}", "2026-05-01T21:00:00Z", 3))
                .containsExactly("2026-05-02T00:00:00Z", "2026-05-02T05:00:00Z", "2026-05-02T10:00:00Z");
    }

    @Test
    void cronFollowsQuartzInTheZone() throws Exception {
        assertThat(next("{\"preset\":\"cron\",\"cron\":\"0 0/20 8-9 ? * MON-FRI\",\"timezone\":\"Europe/Berlin\"}",
                "2026-03-27T06:50:00Z", 4))
                .containsExactly("2026-03-27T07:00:00Z", "2026-03-27T07:20:00Z", "2026-03-27T07:40:00Z",
                        "2026-03-27T08:00:00Z");
    }

    @Test
    void aPausedScheduleFiresNothing() throws Exception {
        assertThat(next("{\"preset\":\"hourly\",\"paused\":true}", "2026-01-01T00:00:00Z", 3)).isEmpty();
    }

    @Test
    void invalidSchedulesNameTheField() throws Exception {
        List<FieldError> errors = ScheduleCalculator.errors(JSON.readTree("{\"preset\":\"weekly\",\"timezone\":\"Mars/Olympus\","
                + "\"times\":[\"25:00\"],\"daysOfWeek\":[\"FUNDAY\"],\"window\":{\"from\":\"10:00\",\"to\":\"09:00\"}}"),
                "schedule");
        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("schedule.timezone",
                "schedule.times[0]", "schedule.daysOfWeek[0]", "schedule.window.to", "schedule.window");
        assertThat(ScheduleCalculator.errors(JSON.readTree("{\"preset\":\"cron\",\"cron\":\"every day\"}"), "schedule"))
                .extracting(FieldError::field).containsExactly("schedule.cron");
        assertThat(ScheduleCalculator.errors(JSON.readTree("{\"preset\":\"sometimes\"}"), "schedule"))
                .extracting(FieldError::field).containsExactly("schedule.preset");
        assertThat(ScheduleCalculator.errors(JSON.readTree("{\"preset\":\"hourly\",\"colour\":\"red\"}"), "schedule"))
                .extracting(FieldError::message).first().asString().contains("colour");
        assertThat(ScheduleCalculator.errors(JSON.readTree("{\"preset\":\"every_n_hours\"}"), "schedule"))
                .extracting(FieldError::field).containsExactly("schedule.hours");
    }
}
